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
        indicators.document_sha256,
        indicators.project_seq,
        indicators.indicator_seq,
        indicators.source_file,
        indicators.level1,
        indicators.level1_printed,
        indicators.level2,
        indicators.level2_printed,
        indicators.indicator_name,
        indicators.indicator_name_key,
        indicators.target_raw,
        indicators.target_text,
        indicators.target_kind,
        indicators.target_comparator,
        indicators.target_value,
        indicators.target_unit,
        indicators.target_date,
        indicators.actual_raw,
        indicators.actual_kind,
        indicators.actual_value,
        indicators.actual_unit,
        indicators.actual_date,
        indicators.weight_printed,
        indicators.score_printed,
        indicators.weight,
        indicators.score,
        indicators.deviation_reason,
        indicators.target_nature,
        indicators.measure_unit,
        indicators.is_achieved,
        indicators.page,
        indicators.min_confidence

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
        document_sha256,
        project_seq,
        indicator_seq,
        source_file,
        level1,
        level1_printed,
        level2,
        level2_printed,
        indicator_name,
        indicator_name_key,
        target_raw,
        target_text,
        target_kind,
        target_comparator,
        target_value,
        target_unit,
        target_date,
        actual_raw,
        actual_kind,
        actual_value,
        actual_unit,
        actual_date,
        weight_printed,
        score_printed,
        weight,
        score,
        deviation_reason,
        target_nature,
        measure_unit,
        is_achieved,
        page,
        min_confidence

    from joined

)

select * from final {{ affected_projects_only() }}
