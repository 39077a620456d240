with

projects as (

    select * from {{ ref('int_projects_pivoted') }} {{ affected_projects_only() }}

),

{{ ranked_project_sources('projects') }},

final as (

    select
        ranked.project_id,
        ranked.year,
        ranked.document_sha256,
        ranked.project_seq,
        ranked.source_file,
        ranked.project_page,
        ranked.project_name,
        ranked.department_code,
        ranked.department_name,
        ranked.implementing_unit,
        ranked.project_attribute,
        ranked.project_period,
        ranked.overall_goal,
        ranked.total_funds_wan,
        ranked.fiscal_funds_wan,
        ranked.other_funds_wan,
        ranked.local_fiscal_funds_wan,
        ranked.superior_funds_wan,
        ranked.funds_unit,
        ranked.funds_page,
        ranked.min_confidence,
        ranked.is_text_layer,
        ranked.extractors,
        ranked.n_candidate_sources,
        source_lists.source_files

    from ranked

    left join source_lists
        on
            ranked.project_id = source_lists.project_id
            and ranked.year is not distinct from source_lists.year

    where ranked.source_rank = 1

)

select * from final {{ affected_projects_only() }}
