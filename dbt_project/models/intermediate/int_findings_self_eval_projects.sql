{#-
    Audit rules on a project's self-evaluation as a whole (see the docs blocks rule_*):
      execution_rate_mismatch             printed 执行率 ≠ 全年执行数 / 全年预算数 beyond its rounding   medium
      funds_score_above_weight            预算执行 得分 above its 分值                                high
      funds_score_inconsistent_with_rate  预算执行 得分 ≠ 分值 × 执行率 (capped at 100%), ± 0.05      low
      total_score_mismatch                总分 ≠ 预算执行得分 + the indicators' 得分, ± 0.05           medium
      weights_not_100                     预算执行分值 + the indicators' 分值 ≠ 100                   medium
      targets_without_self_evaluation     a planned project its department did not self-evaluate     low
      self_evaluation_without_targets     a self-evaluated project no 绩效目标表 in the warehouse has  low
      project_name_slip                   the 项目名称 an OCR slip off its plan's, joined by amount    low
    The rounding a printed rate allows is half a unit of its last printed decimal ('95%' ± 0.5,
    '95.2%' ± 0.05), plus 0.005; a rate printed as a fraction ('0.952') is scaled with it.
    targets_without_self_evaluation fires only when the department has published
    self-evaluations for that year: before year end no project has one, and that is no finding.
    A department is its code and, where both print it, its name: each county numbers its own
    budget units, so another county's department may print the same code.
-#}

with

evaluated as (

    select * from {{ ref('int_self_eval_projects_deduplicated') }}

),

evaluated_indicators as (

    select * from {{ ref('int_self_eval_indicators_identified') }}

),

planned as (

    select * from {{ ref('int_projects_deduplicated') }}

),

indicator_totals as (

    select
        project_id,
        year,
        sum(weight) as indicator_weights,
        sum(score) as indicator_scores,
        count(*) as n_indicators

    from evaluated_indicators

    group by
        project_id,
        year

),

projects as (

    select
        evaluated.*,
        coalesce(indicator_totals.indicator_weights, 0) as indicator_weights,
        coalesce(indicator_totals.indicator_scores, 0) as indicator_scores,
        coalesce(indicator_totals.n_indicators, 0) as n_indicators,
        -- the rate the funds score is checked against: the printed one, else 全年执行数 / 全年预算数
        -- (a rate cell left blank or unread); capped at 100%. No rate at all: null, no score check
        -- (DuckDB's least() skips nulls: least(null, 100) is 100, so the cap waits for a rate).
        case
            when coalesce(evaluated.execution_rate, evaluated.execution_rate_computed) is not null
                then least(coalesce(evaluated.execution_rate, evaluated.execution_rate_computed), 100)
        end as scoring_rate

    from evaluated

    left join indicator_totals
        on
            evaluated.project_id = indicator_totals.project_id
            and evaluated.year = indicator_totals.year

),

rate_findings as (

    select
        project_id,
        year,
        'execution_rate_mismatch' as rule,
        'medium' as severity,
        'execution_rate' as finding_key,
        '执行率印为“' || execution_rate_printed || '”，全年执行数 ' || {{ format_number('executed_wan') }}
        || ' / 全年预算数 ' || {{ format_number('coalesce(budget_full_year_wan, budget_initial_wan)') }}
        || ' = ' || printf('%.2f', execution_rate_computed) || '% / the execution rate is printed “'
        || execution_rate_printed || '” but executed ' || {{ format_number('executed_wan') }} || ' / budget '
        || {{ format_number('coalesce(budget_full_year_wan, budget_initial_wan)') }} || ' = '
        || printf('%.2f', execution_rate_computed) || '%' as detail,
        source_file,
        funds_page as page

    from projects

    where
        execution_rate is not null
        and execution_rate_computed is not null
        and abs(execution_rate - execution_rate_computed)
        > 0.5 * power(10, -execution_rate_decimals) * execution_rate_scale + 0.005

),

score_above_findings as (

    select
        project_id,
        year,
        'funds_score_above_weight' as rule,
        'high' as severity,
        'funds_score' as finding_key,
        '预算执行得分 ' || {{ format_number('funds_score') }} || ' 高于其分值 ' || {{ format_number('funds_weight') }}
        || ' / the budget execution score ' || {{ format_number('funds_score') }} || ' is above its weight '
        || {{ format_number('funds_weight') }} as detail,
        source_file,
        funds_page as page

    from projects

    where funds_score > funds_weight

),

score_rate_findings as (

    select
        project_id,
        year,
        'funds_score_inconsistent_with_rate' as rule,
        'low' as severity,
        'funds_score_rate' as finding_key,
        '预算执行得分 ' || {{ format_number('funds_score') }} || ' 与分值 ' || {{ format_number('funds_weight') }}
        || ' × 执行率 ' || {{ format_number('scoring_rate') }} || '% = '
        || printf('%.2f', funds_weight * scoring_rate / 100) || ' 不符 / the budget execution score '
        || {{ format_number('funds_score') }} || ' does not match weight ' || {{ format_number('funds_weight') }}
        || ' × rate ' || {{ format_number('scoring_rate') }} || '% = '
        || printf('%.2f', funds_weight * scoring_rate / 100) as detail,
        source_file,
        funds_page as page

    from projects

    where
        funds_score <= funds_weight
        and abs(funds_score - funds_weight * scoring_rate / 100) > 0.05

),

total_findings as (

    select
        project_id,
        year,
        'total_score_mismatch' as rule,
        'medium' as severity,
        'total_score' as finding_key,
        '总分 ' || {{ format_number('total_score') }} || ' 不等于各项得分之和 '
        || {{ format_number('coalesce(funds_score, 0) + indicator_scores') }} || '（预算执行 '
        || {{ format_number('coalesce(funds_score, 0)') }} || ' + 指标 ' || {{ format_number('indicator_scores') }}
        || '） / the total score ' || {{ format_number('total_score') }}
        || ' is not the sum of the scores '
        || {{ format_number('coalesce(funds_score, 0) + indicator_scores') }} || ' (budget execution '
        || {{ format_number('coalesce(funds_score, 0)') }} || ' + indicators '
        || {{ format_number('indicator_scores') }} || ')' as detail,
        source_file,
        funds_page as page

    from projects

    where
        total_score is not null
        and abs(total_score - (coalesce(funds_score, 0) + indicator_scores)) > 0.05

),

weight_findings as (

    select
        project_id,
        year,
        'weights_not_100' as rule,
        'medium' as severity,
        'weights' as finding_key,
        '分值合计 ' || {{ format_number('coalesce(funds_weight, 0) + indicator_weights') }} || '（预算执行 '
        || {{ format_number('coalesce(funds_weight, 0)') }} || ' + 指标 ' || {{ format_number('indicator_weights') }}
        || '）不是 100 / the weights add up to ' || {{ format_number('coalesce(funds_weight, 0) + indicator_weights') }}
        || ' (budget execution ' || {{ format_number('coalesce(funds_weight, 0)') }} || ' + indicators '
        || {{ format_number('indicator_weights') }} || '), not 100' as detail,
        source_file,
        funds_page as page

    from projects

    where n_indicators > 0 and abs(coalesce(funds_weight, 0) + indicator_weights - 100) > 0.01

),

evaluated_departments as (

    -- departments (code, and name where printed) that published self-evaluations for a year
    select distinct
        {{ normalize_label('department_code') }} as department_code_key,
        nullif({{ normalize_label('department_name') }}, '') as department_name_key,
        year

    from evaluated

    where nullif({{ normalize_label('department_code') }}, '') is not null

),

unevaluated_findings as (

    select
        planned.project_id,
        planned.year,
        'targets_without_self_evaluation' as rule,
        'low' as severity,
        'no_self_evaluation' as finding_key,
        '项目“' || coalesce(planned.project_name, '') || '”有' || {{ table_year('planned.year', 'zh') }}
        || '绩效目标表，但本部门已发布的自评表中没有它 / project “' || coalesce(planned.project_name, '')
        || '” has targets ' || {{ table_year('planned.year', 'en') }}
        || ' but no self-evaluation among those its department published' as detail,
        planned.source_file,
        planned.project_page as page

    from planned

    where
        exists (
            -- its department's year: once, though the department printed its name on some
            -- self-evaluations and not on others
            select 1
            from evaluated_departments
            where
                evaluated_departments.department_code_key = {{ normalize_label('planned.department_code') }}
                and evaluated_departments.year = planned.year
                and (
                    evaluated_departments.department_name_key is null
                    or nullif({{ normalize_label('planned.department_name') }}, '') is null
                    or evaluated_departments.department_name_key
                    = {{ normalize_label('planned.department_name') }}
                )
        )
        and not exists (
            select 1
            from evaluated
            where evaluated.project_id = planned.project_id and evaluated.year = planned.year
        )

),

unplanned_findings as (

    select
        evaluated.project_id,
        evaluated.year,
        'self_evaluation_without_targets' as rule,
        'low' as severity,
        'no_targets' as finding_key,
        '项目“' || coalesce(evaluated.project_name, '') || '”有' || {{ table_year('evaluated.year', 'zh') }}
        || '自评表，但仓库中没有它的绩效目标表 / project “' || coalesce(evaluated.project_name, '')
        || '” has a self-evaluation ' || {{ table_year('evaluated.year', 'en') }}
        || ' but no target table in the warehouse' as detail,
        evaluated.source_file,
        evaluated.project_page as page

    from evaluated

    where not exists (
        select 1
        from planned
        where planned.project_id = evaluated.project_id and planned.year = evaluated.year
    )

),

name_slip_findings as (

    -- joined by a name read a slip off the plan's (project_id_source target_table_name_slip):
    -- both spellings, files and pages, so an auditor can check the join
    select
        evaluated.project_id,
        evaluated.year,
        'project_name_slip' as rule,
        'low' as severity,
        'project_name' as finding_key,
        '自评表项目名称读作“' || evaluated.project_name || '”（' || evaluated.source_file || ' 第 '
        || evaluated.project_page || ' 页），与绩效目标表的“' || planned.project_name || '”（'
        || planned.source_file || ' 第 ' || planned.project_page || ' 页）相差在误读界限内（每四字至多一处），'
        || '同年且年初预算数等于其年度资金总额，视为同一项目 / the self-evaluation''s project name read “'
        || evaluated.project_name || '” (' || evaluated.source_file || ' p' || evaluated.project_page
        || ') is within the slip bound (a glyph in four) of the plan''s “' || planned.project_name || '” ('
        || planned.source_file || ' p' || planned.project_page || '), the same year, its 年初预算数 the '
        || 'plan''s 年度资金总额: joined as one project' as detail,
        evaluated.source_file,
        evaluated.project_page as page

    from evaluated

    inner join planned
        on evaluated.project_id = planned.project_id and evaluated.year = planned.year

    where evaluated.project_id_source = 'target_table_name_slip'

),

unioned as (

    select * from name_slip_findings

    union all

    select * from rate_findings

    union all

    select * from score_above_findings

    union all

    select * from score_rate_findings

    union all

    select * from total_findings

    union all

    select * from weight_findings

    union all

    select * from unevaluated_findings

    union all

    select * from unplanned_findings

),

final as (

    select
        project_id,
        year,
        cast(null as varchar) as indicator_id,
        cast(null as varchar) as indicator_result_id,
        rule,
        severity,
        finding_key,
        detail,
        source_file,
        page

    from unioned

)

select * from final {{ affected_projects_only() }}
