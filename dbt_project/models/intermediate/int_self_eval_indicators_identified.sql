{#-
    The indicators of the self-evaluation chosen for each (project_id, year), with a stable
    indicator_result_id: md5(project_id, year, 一级, 二级, normalised name, order) like
    fct_indicator's indicator_id.
-#}

with

projects as (

    select * from {{ ref('int_self_eval_projects_deduplicated') }} {{ affected_projects_only() }}

),

indicators as (

    select * from {{ ref('int_self_eval_indicators_parsed') }}

),

joined as (

    select
        projects.project_id,
        projects.year,
        projects.project_name,
        {{ self_eval_indicator_columns('indicators') }}

    from indicators

    inner join projects
        on
            indicators.document_sha256 = projects.document_sha256
            and indicators.project_seq = projects.project_seq

),

final as (

    select
        left(
            md5(
                concat_ws(
                    '|',
                    'self_eval',
                    project_id,
                    coalesce(cast(year as varchar), ''),
                    coalesce(level1, ''),
                    coalesce(level2, ''),
                    coalesce(indicator_name_key, ''),
                    cast(indicator_seq as varchar)
                )
            ),
            16
        ) as indicator_result_id,
        project_id,
        year,
        project_name,
        {{ self_eval_indicator_columns() }}

    from joined

)

select * from final {{ affected_projects_only() }}
