-- 二级指标必须属于其一级指标（如 数量指标 ∈ 产出指标）；印刷错位时告警而非修正。
-- The canonical level2 must sit under its level1 (e.g. 数量指标 under 产出指标); a mismatch in the
-- printed form is flagged, not fixed.
{{ config(severity='warn') }}

with

indicators as (

    select * from {{ ref('fct_indicator') }}

),

categories as (

    select * from {{ ref('indicator_categories') }}

),

mismatched as (

    select
        indicators.indicator_id,
        indicators.project_id,
        indicators.year,
        indicators.level1,
        indicators.level2,
        indicators.level2_printed,
        indicators.source_file,
        indicators.page

    from indicators

    left join categories
        on indicators.level2 = categories.level2

    where
        indicators.level1 is not null
        and indicators.level2 is not null
        and indicators.level1 is distinct from categories.level1

)

select * from mismatched
