with

source as (

    select * from {{ source('raw', 'ingest_errors') }}

),

renamed as (

    select
        ---------- ids
        document_sha256,

        ---------- text
        source_file,
        stage,
        error,

        ---------- timestamps
        occurred_at

    from source

),

final as (

    select * from renamed

)

select * from final
