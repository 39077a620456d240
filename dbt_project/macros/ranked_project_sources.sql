{#-
    ranked_project_sources(projects): the CTEs `source_lists` (every source file carrying a
    (project_id, year), chosen or not) and `ranked` (each candidate with n_candidate_sources and
    source_rank: the text layer wins, then the higher confidence, then the file name). One order
    for the 绩效目标表 (int_projects_deduplicated) and the 自评表 (int_self_eval_projects_deduplicated).
-#}
{%- macro ranked_project_sources(projects) -%}
source_lists as (

    select
        project_id,
        year,
        string_agg(distinct source_file, '; ' order by source_file) as source_files

    from {{ projects }}

    group by
        project_id,
        year

),

ranked as (

    select
        *,
        count(*) over (partition by project_id, year) as n_candidate_sources,
        row_number() over (
            partition by project_id, year
            order by
                is_text_layer desc,
                min_confidence desc,
                source_file asc,
                document_sha256 asc,
                project_seq asc
        ) as source_rank

    from {{ projects }}

)
{%- endmacro -%}
