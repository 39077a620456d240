{#-
    One self-evaluation per (project_id, year): when a project's 自评表 arrives in several documents
    (a text PDF and a scan of it), the text layer wins, then the higher confidence, then the file
    name — the same order int_projects_deduplicated uses for the 绩效目标表.
-#}

with

projects as (

    select * from {{ ref('int_self_eval_projects_pivoted') }} {{ affected_projects_only() }}

),

{{ ranked_project_sources('projects') }},

final as (

    select
        ranked.project_id,
        ranked.document_sha256,
        ranked.project_seq,
        ranked.source_file,
        ranked.project_page,
        ranked.funds_page,
        ranked.year,
        ranked.project_name,
        ranked.project_name_key,
        ranked.department_name,
        ranked.department_code,
        ranked.project_id_source,
        ranked.implementing_unit,
        ranked.overall_goal,
        ranked.overall_goal_actual,
        ranked.budget_initial_wan,
        ranked.budget_full_year_wan,
        ranked.executed_wan,
        ranked.execution_rate_printed,
        ranked.execution_rate,
        ranked.execution_rate_computed,
        ranked.execution_rate_decimals,
        ranked.execution_rate_scale,
        ranked.funds_weight,
        ranked.funds_score,
        ranked.overall_weight,
        ranked.total_score,
        ranked.min_confidence,
        ranked.is_text_layer,
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
