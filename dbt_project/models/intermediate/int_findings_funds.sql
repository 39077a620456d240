{#-
    Audit rules on the money of a project (see docs blocks rule_funds_do_not_add_up and
    rule_cost_target_differs_from_funds):
      funds_do_not_add_up            年度资金总额 ≠ 财政拨款 + 其他资金 (blank 其他资金 = 0)   high
      cost_target_differs_from_funds the 成本指标 amounts (万元; 元 / 10000) do not add up to   medium
                                     年度资金总额
    Amounts agree to 0.0001 万元 (one yuan).
-#}

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

final as (

    select * from funds_findings

    union all

    select * from cost_findings

)

select * from final {{ affected_projects_only() }}
