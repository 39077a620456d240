with

projects as (

    select * from {{ ref('int_projects_deduplicated') }}

),

final as (

    select
        project_id,
        year,
        total_funds_wan,
        fiscal_funds_wan,
        other_funds_wan

    from projects

)

select * from final
