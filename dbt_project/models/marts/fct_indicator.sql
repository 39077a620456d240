with

indicators as (

    select * from {{ ref('int_indicators_identified') }} {{ affected_projects_only() }}

),

final as (

    select
        indicator_id,
        project_id,
        year,
        indicator_seq,
        level1,
        level2,
        level2_printed,
        indicator_name,
        target_raw,
        comparator,
        target_value,
        target_unit,
        target_date,
        target_nature,
        measure_unit,
        standard,
        scoring_standard,
        weight,
        is_mandatory,
        is_hard,
        source_file,
        page,
        ocr_confidence

    from indicators

)

select * from final {{ affected_projects_only() }}
