-- a view, so the run being recorded right now is visible the moment it is published
{{ config(materialized='view') }}

with

runs as (

    select * from {{ ref('stg_raw__runs') }}

),

final as (

    select
        run_id,
        started_at,
        ended_at,
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
        publish_seconds

    from runs

)

select * from final
