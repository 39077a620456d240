with

projects as (

    select * from {{ ref('int_projects_deduplicated') }} {{ affected_projects_only() }}

),

final as (

    select
        project_id,
        year,
        total_funds_wan,
        fiscal_funds_wan,
        other_funds_wan,
        local_fiscal_funds_wan,
        superior_funds_wan,
        funds_unit,
        source_file,
        funds_page as page

    from projects

)

select * from final {{ affected_projects_only() }}
