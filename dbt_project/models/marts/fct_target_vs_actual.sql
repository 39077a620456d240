with

matches as (

    select * from {{ ref('int_self_eval_target_matches') }} {{ affected_projects_only() }}

),

final as (

    -- every self-evaluated indicator; planned-only ones are audit findings, not rows here
    select
        indicator_result_id,
        plan_indicator_id as indicator_id,
        project_id,
        year,
        eval_indicator_seq as indicator_seq,
        level1,
        level2,
        indicator_name,
        indicator_name_read,
        plan_indicator_name,
        match_method,
        plan_target_raw,
        eval_target_raw,
        actual_raw,
        target_changed,
        target_change_evidence,
        is_achieved as achieved,
        comparator,
        target_value,
        target_unit,
        actual_value,
        actual_unit,
        weight,
        score,
        eval_source_file,
        eval_page,
        plan_source_file,
        plan_page

    from matches

    where indicator_result_id is not null

)

select * from final {{ affected_projects_only() }}
