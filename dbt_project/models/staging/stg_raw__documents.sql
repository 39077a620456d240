with

source as (

    select * from {{ source('raw', 'documents') }}

),

renamed as (

    select
        ---------- ids
        document_sha256,

        ---------- text
        source_file,
        status,

        ---------- numerics
        file_size,
        page_count,

        ---------- timestamps
        landed_at

    from source

),

final as (

    select
        *,
        status = 'ingested' as is_ingested

    from renamed

)

select * from final
