with

projects as (

    select * from {{ ref('int_self_eval_projects_deduplicated') }} {{ affected_projects_only() }}

),

final as (

    select
        project_id,
        year,
        project_name,
        budget_initial_wan,
        budget_full_year_wan,
        executed_wan,
        execution_rate,
        funds_weight,
        funds_score,
        total_score,
        source_file,
        funds_page as page

    from projects

)

select * from final {{ affected_projects_only() }}
