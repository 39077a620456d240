-- 年度资金总额 = 财政拨款 + 其他资金（允许 0.0001 万元误差）；不相等时告警。
-- Total funds equal fiscal + other funds (to 0.0001 万元) whenever all three are known; warns otherwise.
{{ config(severity='warn') }}

with

funds as (

    select * from {{ ref('fct_project_funds') }}

),

unbalanced as (

    select
        project_id,
        year,
        total_funds_wan,
        fiscal_funds_wan,
        other_funds_wan

    from funds

    where abs(total_funds_wan - fiscal_funds_wan - other_funds_wan) > 0.0001

)

select * from unbalanced
