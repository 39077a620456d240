with

projects as (

    select * from {{ ref('int_projects_deduplicated') }} {{ affected_projects_only() }}

),

final as (

    select
        project_id,
        year,
        project_name,
        department_code,
        department_name,
        implementing_unit,
        project_attribute,
        project_period,
        overall_goal,
        source_file,
        source_files

    from projects

)

select * from final {{ affected_projects_only() }}
