{#-
    Audit rules on single self-evaluated indicators against their plan (see the docs blocks rule_*):
      target_changed_at_year_end  year-end 年度指标值 differs from the planned 指标值         medium
      indicator_not_evaluated     planned indicator missing from the project's self-evaluation   medium
      indicator_not_planned       self-evaluated indicator the project's plan never had          medium
      full_score_target_missed    得分 = 分值 claimed although the actual misses its target      high
      indicator_name_from_plan    the name OCR read a slip off the plan's, less surely, or did not
                                  read at all, takes the plan's                                   low
    indicator_id is the planned indicator (fct_indicator) when there is one, indicator_result_id
    the self-evaluated one (fct_indicator_result).
-#}

with

matches as (

    select * from {{ ref('int_self_eval_target_matches') }} {{ affected_projects_only() }}

),

evaluated_projects as (

    select * from {{ ref('int_self_eval_projects_deduplicated') }} {{ affected_projects_only() }}

),

planned_projects as (

    select * from {{ ref('int_projects_deduplicated') }} {{ affected_projects_only() }}

),

changed_findings as (

    select
        project_id,
        year,
        plan_indicator_id as indicator_id,
        indicator_result_id,
        'target_changed_at_year_end' as rule,
        'medium' as severity,
        'target_changed' as finding_key,
        '指标“' || coalesce(indicator_name, '') || '”的年度指标值“' || coalesce(eval_target_raw, '')
        || '”与绩效目标表的指标值“' || coalesce(plan_target_raw, '') || '”不同 / the year-end target “'
        || coalesce(eval_target_raw, '') || '” of “' || coalesce(indicator_name, '')
        || '” differs from the planned target “' || coalesce(plan_target_raw, '') || '”' as detail,
        eval_source_file as source_file,
        eval_page as page

    from matches

    where target_changed

),

not_evaluated_findings as (

    select
        matches.project_id,
        matches.year,
        matches.plan_indicator_id as indicator_id,
        cast(null as varchar) as indicator_result_id,
        'indicator_not_evaluated' as rule,
        'medium' as severity,
        'not_evaluated' as finding_key,
        '绩效目标表的指标“' || coalesce(matches.indicator_name, '') || '”（指标值“'
        || coalesce(matches.plan_target_raw, '') || '”）在自评表中没有自评 / planned indicator “'
        || coalesce(matches.indicator_name, '') || '” (target “' || coalesce(matches.plan_target_raw, '')
        || '”) is missing from the self-evaluation' as detail,
        matches.plan_source_file as source_file,
        matches.plan_page as page

    from matches

    inner join evaluated_projects
        on
            matches.project_id = evaluated_projects.project_id
            and matches.year = evaluated_projects.year

    where matches.indicator_result_id is null

),

not_planned_findings as (

    select
        matches.project_id,
        matches.year,
        cast(null as varchar) as indicator_id,
        matches.indicator_result_id,
        'indicator_not_planned' as rule,
        'medium' as severity,
        'not_planned' as finding_key,
        '自评指标“' || coalesce(matches.indicator_name, '') || '”（年度指标值“'
        || coalesce(matches.eval_target_raw, '') || '”）不在绩效目标表中 / self-evaluated indicator “'
        || coalesce(matches.indicator_name, '') || '” (target “' || coalesce(matches.eval_target_raw, '')
        || '”) was never planned in the target table' as detail,
        matches.eval_source_file as source_file,
        matches.eval_page as page

    from matches

    inner join planned_projects
        on
            matches.project_id = planned_projects.project_id
            and matches.year = planned_projects.year

    where matches.indicator_result_id is not null and matches.plan_indicator_id is null

),

full_score_findings as (

    select
        project_id,
        year,
        plan_indicator_id as indicator_id,
        indicator_result_id,
        'full_score_target_missed' as rule,
        'high' as severity,
        'full_score_missed' as finding_key,
        '指标“' || coalesce(indicator_name, '') || '”实际完成值“' || coalesce(actual_raw, '')
        || '”未达到目标“' || coalesce(eval_target_raw, plan_target_raw, '') || '”，却得满分 '
        || {{ format_number('score') }} || '/' || {{ format_number('weight') }} || ' / indicator “'
        || coalesce(indicator_name, '') || '” claims the full score ' || {{ format_number('score') }}
        || '/' || {{ format_number('weight') }} || ' although its actual “' || coalesce(actual_raw, '')
        || '” misses the target “' || coalesce(eval_target_raw, plan_target_raw, '') || '”' as detail,
        eval_source_file as source_file,
        eval_page as page

    from matches

    where
        indicator_result_id is not null
        and not is_achieved
        and weight > 0
        and score >= weight

),

names_from_plan as (

    -- each name the plan's surer reading replaced, its two confidences as a person writes them
    select
        *,
        {{ format_number('coalesce(eval_name_confidence, 1)') }} as eval_read,
        {{ format_number('coalesce(plan_name_confidence, 1)') }} as plan_read

    from matches

    where is_name_from_plan

),

name_from_plan_findings as (

    -- the warehouse changed a name it read: the auditor sees both readings and their confidence
    select
        project_id,
        year,
        plan_indicator_id as indicator_id,
        indicator_result_id,
        'indicator_name_from_plan' as rule,
        'low' as severity,
        'name_from_plan' as finding_key,
        case
            when indicator_name_read is null
                then
                    '自评表指标名称未读出（指标值“' || coalesce(eval_target_raw, '') || '”），按绩效目标表同一位置、'
                    || '同一指标值的唯一指标命名为“' || plan_indicator_name || '” / the self-evaluation''s '
                    || 'indicator name was not read (target “' || coalesce(eval_target_raw, '')
                    || '”): named “' || plan_indicator_name || '”, the plan''s only indicator at its '
                    || 'place with that target'
            else
                '自评表指标名称读作“' || indicator_name_read || '”（置信度 ' || eval_read
                || '），与绩效目标表的“' || plan_indicator_name || '”（置信度 ' || plan_read
                || '）相差在误读界限内（每四字至多一处）且互为唯一候选，采用计划名称 / the self-evaluation''s '
                || 'indicator name read “' || indicator_name_read || '” (confidence ' || eval_read
                || ') is within the slip bound (a glyph in four) of the plan''s “' || plan_indicator_name
                || '” (confidence ' || plan_read || '), each the other''s only candidate: the plan''s name '
                || 'is taken'
        end as detail,
        eval_source_file as source_file,
        eval_page as page

    from names_from_plan

),

final as (

    select * from changed_findings

    union all

    select * from not_evaluated_findings

    union all

    select * from not_planned_findings

    union all

    select * from full_score_findings

    union all

    select * from name_from_plan_findings

)

select * from final {{ affected_projects_only() }}
