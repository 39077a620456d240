with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

pages as (

    select * from {{ ref('stg_raw__pages') }}

),

files as (

    select * from {{ ref('stg_raw__document_files') }}

),

presence as (

    -- a document is present while any file in the raw folder carries its bytes
    select
        document_sha256,
        bool_or(is_present) as is_present,
        string_agg(source_file, '; ' order by source_file) as file_names

    from files

    where document_sha256 is not null

    group by document_sha256

),

page_counts as (

    select
        document_sha256,
        count(*) filter (where needs_ocr) as pages_needing_ocr

    from pages

    group by document_sha256

),

final as (

    select
        documents.document_sha256,
        documents.source_file,
        documents.file_size,
        documents.page_count,
        coalesce(page_counts.pages_needing_ocr, 0) as pages_needing_ocr,
        documents.status,
        documents.landed_at,
        coalesce(presence.is_present, true) as is_present,
        coalesce(presence.file_names, documents.source_file) as file_names

    from documents

    left join page_counts
        on documents.document_sha256 = page_counts.document_sha256

    left join presence
        on documents.document_sha256 = presence.document_sha256

)

select * from final
