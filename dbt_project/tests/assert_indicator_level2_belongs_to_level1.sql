-- 二级指标必须属于其一级指标（如 数量指标 ∈ 产出指标）；印刷错位时告警而非修正。
-- The canonical level2 must sit under its level1 (e.g. 数量指标 under 产出指标); a mismatch in the
-- printed form is flagged, not fixed.
{{ config(severity='warn') }}

with

indicators as (

    select * from {{ ref('fct_indicator') }}

),

mismatched as (

    select
        indicator_id,
        project_id,
        year,
        level1,
        level2,
        level2_printed,
        source_file,
        page

    from indicators

    where
        level1 is not null
        and level2 is not null
        and not (
            (level1 = '产出指标' and level2 in ('数量指标', '质量指标', '时效指标', '成本指标'))
            or (level1 = '效益指标' and level2 in ('经济效益指标', '社会效益指标', '生态效益指标', '可持续影响指标'))
            or (level1 = '满意度指标' and level2 = '服务对象满意度指标')
        )

)

select * from mismatched
