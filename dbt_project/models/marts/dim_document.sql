with

documents as (

    select * from {{ ref('stg_raw__documents') }}

),

pages as (

    select * from {{ ref('stg_raw__pages') }}

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
        documents.landed_at

    from documents

    left join page_counts
        on documents.document_sha256 = page_counts.document_sha256

)

select * from final
