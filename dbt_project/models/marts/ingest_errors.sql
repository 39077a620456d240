with

errors as (

    select * from {{ ref('stg_raw__ingest_errors') }}

),

final as (

    select
        source_file,
        document_sha256,
        stage,
        error,
        occurred_at

    from errors

)

select * from final
