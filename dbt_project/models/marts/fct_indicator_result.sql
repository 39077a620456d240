with

indicators as (

    select * from {{ ref('int_self_eval_indicators_identified') }} {{ affected_projects_only() }}

),

matches as (

    -- the name a slip off the plan's that the plan's surer reading names (is_name_from_plan)
    select * from {{ ref('int_self_eval_target_matches') }} {{ affected_projects_only() }}

),

final as (

    select
        indicators.indicator_result_id,
        indicators.project_id,
        indicators.year,
        indicators.indicator_seq,
        indicators.level1,
        indicators.level2,
        coalesce(matches.indicator_name, indicators.indicator_name) as indicator_name,
        indicators.indicator_name as indicator_name_read,
        indicators.target_raw,
        indicators.actual_raw,
        indicators.actual_value,
        indicators.actual_unit,
        indicators.weight,
        indicators.score,
        indicators.deviation_reason,
        indicators.source_file,
        indicators.page,
        indicators.min_confidence as ocr_confidence

    from indicators

    left join matches
        on indicators.indicator_result_id = matches.indicator_result_id

)

select * from final {{ affected_projects_only() }}
