-- 时效指标的指标值应为日期或期限；否则（如 2024 年表中的“100%”）告警供人工核对，仓库保留原样。
-- A 时效指标 (timeliness) target should be a date or deadline; anything else (the seed's '100%') is
-- flagged for a person to check. The warehouse keeps what is printed.
{{ config(severity='warn') }}

with

indicators as (

    select * from {{ ref('fct_indicator') }}

),

flagged as (

    select
        indicator_id,
        project_id,
        year,
        indicator_name,
        target_raw,
        source_file,
        page

    from indicators

    where level2 = '时效指标' and target_date is null

)

select * from flagged
