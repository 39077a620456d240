{#-
    Audit rules on the money of a project (see docs blocks rule_funds_do_not_add_up and
    rule_cost_target_differs_from_funds, and this model's yml for the last two):
      funds_do_not_add_up            年度资金总额 ≠ 财政拨款 + 其他资金 (blank 其他资金 = 0)   high
      cost_target_differs_from_funds the 成本指标 amounts (万元; 元 / 10000) do not add up to   medium
                                     年度资金总额
      funds_amount_implausible       年度资金总额 more than `funds_outlier_factor` times the     medium
                                     median of the same department's other projects of the
                                     year (at least `funds_outlier_min_peers` of them), or
                                     above `largest_plausible_wan` with no funds unit printed
      number_printed_apart           a printed amount, score, weight, target or actual whose  medium
                                     digits stand apart (macro digits_apart: `100 95.77`); the
                                     parsers leave it null, the value stays as printed
    Amounts agree to 0.0001 万元 (one yuan).
    The thresholds are dbt vars, set here once (dbt build --vars '{funds_outlier_factor: 5}').
-#}
{%- set funds_outlier_factor = var('funds_outlier_factor', 10) -%}
{%- set funds_outlier_min_peers = var('funds_outlier_min_peers', 2) -%}
{%- set largest_plausible_wan = var('largest_plausible_wan', 100000) -%}

with

projects as (

    select * from {{ ref('int_projects_deduplicated') }} {{ affected_projects_only() }}

),

indicators as (

    select * from {{ ref('int_indicators_identified') }} {{ affected_projects_only() }}

),

unbalanced_funds as (

    select
        project_id,
        year,
        source_file,
        project_page,
        total_funds_wan,
        fiscal_funds_wan,
        coalesce(other_funds_wan, 0) as other_funds_or_zero_wan

    from projects

    where
        total_funds_wan is not null
        and fiscal_funds_wan is not null
        and abs(total_funds_wan - fiscal_funds_wan - coalesce(other_funds_wan, 0)) > 0.0001

),

funds_findings as (

    select
        project_id,
        year,
        cast(null as varchar) as indicator_id,
        'funds_do_not_add_up' as rule,
        'high' as severity,
        'total_funds' as finding_key,
        '年度资金总额 ' || {{ format_number('total_funds_wan') }} || ' 万元不等于财政拨款 '
        || {{ format_number('fiscal_funds_wan') }} || ' 万元 + 其他资金 '
        || {{ format_number('other_funds_or_zero_wan') }} || ' 万元 / total funds of '
        || {{ format_number('total_funds_wan') }} || ' 万元 do not equal fiscal funds of '
        || {{ format_number('fiscal_funds_wan') }} || ' 万元 plus other funds of '
        || {{ format_number('other_funds_or_zero_wan') }} || ' 万元' as detail,
        source_file,
        project_page as page

    from unbalanced_funds

),

cost_lines as (

    select
        *,
        case
            when target_kind != 'number' then null
            when target_unit = '元' then cast(target_value / 10000 as decimal(18, 6))
            when target_unit = '万元' or target_unit is null then target_value
        end as amount_wan

    from indicators

    where level2 = '成本指标'

),

cost_per_project as (

    select
        project_id,
        year,
        count(*) as n_cost_lines,
        sum(amount_wan) as cost_total_wan,
        string_agg('“' || coalesce(target_raw, '') || '”', '、' order by indicator_seq) as cost_targets,
        arg_min(page, indicator_seq) as first_cost_page,
        arg_min(source_file, indicator_seq) as source_file,
        case when count(*) = 1 then min(indicator_id) end as single_indicator_id

    from cost_lines

    group by
        project_id,
        year

),

cost_compared as (

    select
        cost_per_project.*,
        projects.total_funds_wan

    from cost_per_project

    inner join projects
        on
            cost_per_project.project_id = projects.project_id
            and cost_per_project.year is not distinct from projects.year

    where
        projects.total_funds_wan is not null
        and (
            cost_per_project.cost_total_wan is null
            or abs(cost_per_project.cost_total_wan - projects.total_funds_wan) > 0.0001
        )

),

cost_findings as (

    select
        project_id,
        year,
        single_indicator_id as indicator_id,
        'cost_target_differs_from_funds' as rule,
        'medium' as severity,
        'cost_total' as finding_key,
        case
            when cost_total_wan is null
                then
                    '成本指标 ' || cost_targets || ' 读不出金额，无法与年度资金总额 '
                    || {{ format_number('total_funds_wan') }} || ' 万元核对 / cost target(s) '
                    || cost_targets || ' cannot be read as an amount to check against total funds of '
                    || {{ format_number('total_funds_wan') }} || ' 万元'
            else
                '成本指标 ' || cost_targets || ' 合计 ' || {{ format_number('cost_total_wan') }}
                || ' 万元，不等于年度资金总额 ' || {{ format_number('total_funds_wan') }}
                || ' 万元 / cost target(s) ' || cost_targets || ' add up to '
                || {{ format_number('cost_total_wan') }} || ' 万元, not the total funds of '
                || {{ format_number('total_funds_wan') }} || ' 万元'
        end as detail,
        source_file,
        first_cost_page as page

    from cost_compared

),

all_projects as (

    -- every project, affected or not: the peers a project's amount is compared with
    select
        project_id,
        year,
        coalesce(
            nullif({{ normalize_label('department_code') }}, ''),
            'name:' || {{ normalize_label('department_name') }}
        ) as department_key,
        total_funds_wan

    from {{ ref('int_projects_deduplicated') }}

    where total_funds_wan is not null

),

ranked_projects as (

    -- each project's place among its department's projects of the year, by amount
    select
        project_id,
        year,
        department_key,
        total_funds_wan,
        row_number() over (
            partition by department_key, year
            order by total_funds_wan, project_id
        ) as funds_rank,
        count(*) over (partition by department_key, year) - 1 as n_peers

    from all_projects

),

middle_ranks as (

    -- The median of a project's peers without pairing it with each of them (a department of
    -- n projects made n² pairs: out of memory at 50 000 projects of one department). Among the
    -- n_peers others the middle ranks are (n_peers + 1) // 2 and n_peers // 2 + 1; ranks from
    -- the project's own onwards stand one further in the whole department.
    select
        ranked.project_id,
        ranked.year,
        ranked.department_key,
        ranked.n_peers,
        case
            when (ranked.n_peers + 1) // 2 < ranked.funds_rank then (ranked.n_peers + 1) // 2
            else (ranked.n_peers + 1) // 2 + 1
        end as low_rank,
        case
            when ranked.n_peers // 2 + 1 < ranked.funds_rank then ranked.n_peers // 2 + 1
            else ranked.n_peers // 2 + 2
        end as high_rank

    from projects

    inner join ranked_projects as ranked
        on
            projects.project_id = ranked.project_id
            and projects.year is not distinct from ranked.year

    where ranked.n_peers >= 1

),

peer_medians as (

    select
        middle_ranks.project_id,
        middle_ranks.year,
        middle_ranks.n_peers,
        cast(
            (low_amounts.total_funds_wan + high_amounts.total_funds_wan) / 2 as decimal(18, 6)
        ) as peer_median_wan

    from middle_ranks

    inner join ranked_projects as low_amounts
        on
            middle_ranks.department_key = low_amounts.department_key
            and middle_ranks.year is not distinct from low_amounts.year
            and middle_ranks.low_rank = low_amounts.funds_rank

    inner join ranked_projects as high_amounts
        on
            middle_ranks.department_key = high_amounts.department_key
            and middle_ranks.year is not distinct from high_amounts.year
            and middle_ranks.high_rank = high_amounts.funds_rank

),

implausible_amounts as (

    select
        projects.project_id,
        projects.year,
        projects.source_file,
        coalesce(projects.funds_page, projects.project_page) as page,
        projects.total_funds_wan,
        peer_medians.n_peers,
        peer_medians.peer_median_wan,
        coalesce(
            peer_medians.n_peers >= {{ funds_outlier_min_peers }}
            and peer_medians.peer_median_wan > 0
            and projects.total_funds_wan
            > {{ funds_outlier_factor }} * peer_medians.peer_median_wan,
            false
        ) as is_peer_outlier,
        projects.funds_unit is null
        and projects.total_funds_wan > {{ largest_plausible_wan }} as is_unitless_too_large

    from projects

    left join peer_medians
        on
            projects.project_id = peer_medians.project_id
            and projects.year is not distinct from peer_medians.year

    where projects.total_funds_wan is not null

),

implausible_findings as (

    select
        project_id,
        year,
        cast(null as varchar) as indicator_id,
        'funds_amount_implausible' as rule,
        'medium' as severity,
        'total_funds' as finding_key,
        case
            when is_peer_outlier
                then
                    '年度资金总额 ' || {{ format_number('total_funds_wan') }} || ' 万元，超过同部门同年度其他 '
                    || n_peers || ' 个项目中位数 ' || {{ format_number('peer_median_wan') }}
                    || ' 万元的 {{ funds_outlier_factor }} 倍，请核对是否多读或多印了数字 / total funds of '
                    || {{ format_number('total_funds_wan') }} || ' 万元 are more than '
                    || '{{ funds_outlier_factor }} times the median of ' || {{ format_number('peer_median_wan') }}
                    || ' 万元 of the department''s ' || n_peers || ' other projects of the year: '
                    || 'check for an extra digit'
            else
                '年度资金总额 ' || {{ format_number('total_funds_wan') }} || ' 万元未印资金单位，且超过 '
                || {{ format_number(largest_plausible_wan) }} || ' 万元，可能是以元为单位 / total funds of '
                || {{ format_number('total_funds_wan') }} || ' 万元 carry no printed unit and exceed '
                || {{ format_number(largest_plausible_wan) }} || ' 万元: the amount may be in 元'
        end as detail,
        source_file,
        page

    from implausible_amounts

    where is_peer_outlier or is_unitless_too_large

),

chosen_sources as (

    -- the tables each affected project's values are read from (target table and self-evaluation)
    select
        project_id,
        year,
        document_sha256,
        project_seq,
        'project_target' as form

    from projects

    union all

    select
        project_id,
        year,
        document_sha256,
        project_seq,
        'project_self_eval' as form

    from {{ ref('int_self_eval_projects_deduplicated') }} {{ affected_projects_only() }}

),

numbers_apart as (

    select
        chosen_sources.project_id,
        chosen_sources.year,
        extracted.form,
        extracted.record_type,
        extracted.field_name,
        extracted.indicator_seq,
        extracted.printed_value,
        extracted.source_file,
        extracted.page,
        extracted.document_sha256,
        extracted.project_seq

    from {{ ref('stg_raw__extracted_values') }} as extracted

    inner join chosen_sources
        on
            extracted.document_sha256 = chosen_sources.document_sha256
            and extracted.project_seq = chosen_sources.project_seq
            and extracted.form = chosen_sources.form

    where
        -- the printed fields that hold one number each: the funds lines, the self-evaluation's
        -- funds block ({row}_{col}) and 总分 row, an indicator's target, actual, weight, score
        (
            regexp_full_match(
                extracted.field_name,
                '(total|fiscal|carryover|other)_'
                || '(funds|budget_initial|budget_full_year|executed|weight|execution_rate|score)'
            )
            or extracted.field_name in (
                'local_fiscal_funds', 'superior_funds', 'overall_weight', 'overall_score',
                'target', 'actual', 'weight', 'score'
            )
        )
        and {{ digits_apart('extracted.printed_value') }}

),

apart_findings as (

    select
        numbers_apart.project_id,
        numbers_apart.year,
        indicators.indicator_id,
        'number_printed_apart' as rule,
        'medium' as severity,
        numbers_apart.form || ':' || numbers_apart.field_name
        || coalesce(':' || cast(numbers_apart.indicator_seq as varchar), '') as finding_key,
        '第 ' || numbers_apart.page || ' 页 ' || numbers_apart.field_name || ' 印作“'
        || numbers_apart.printed_value || '”：数字间有空格且不是千分位，不读作一个数 / '
        || numbers_apart.field_name || ' printed as “' || numbers_apart.printed_value
        || '” on page ' || numbers_apart.page
        || ': digits apart that are not thousands groups are not read as one number' as detail,
        numbers_apart.source_file,
        numbers_apart.page

    from numbers_apart

    left join indicators
        on
            numbers_apart.record_type = 'indicator'
            and numbers_apart.document_sha256 = indicators.document_sha256
            and numbers_apart.project_seq = indicators.project_seq
            and numbers_apart.indicator_seq = indicators.indicator_seq

),

final as (

    select * from funds_findings

    union all

    select * from cost_findings

    union all

    select * from implausible_findings

    union all

    select * from apart_findings

)

select * from final {{ affected_projects_only() }}
