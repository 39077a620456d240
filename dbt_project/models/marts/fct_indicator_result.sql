with

indicators as (

    select * from {{ ref('int_self_eval_indicators_identified') }} {{ affected_projects_only() }}

),

final as (

    select
        indicator_result_id,
        project_id,
        year,
        indicator_seq,
        level1,
        level2,
        indicator_name,
        target_raw,
        actual_raw,
        actual_value,
        actual_unit,
        weight,
        score,
        deviation_reason,
        source_file,
        page,
        min_confidence as ocr_confidence

    from indicators

)

select * from final {{ affected_projects_only() }}
