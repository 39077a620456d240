with

source as (

    select * from {{ source('raw', 'runs') }}

),

renamed as (

    select
        ---------- ids
        run_id,

        ---------- numerics
        documents_new,
        documents_changed,
        documents_unchanged,
        documents_removed,
        documents_failed,
        pages_extracted,
        pages_ocred,
        low_confidence_cells,
        duration_seconds,
        inventory_seconds,
        extraction_seconds,
        landing_seconds,
        dbt_seconds,
        publish_seconds,

        ---------- timestamps
        started_at,
        ended_at

    from source

)

select * from renamed
