{#-
    Audit rules on single indicators and their targets (see the docs blocks rule_*):
      timeliness_target_other_year        a 时效指标 whose name or target names another year    medium
      timeliness_target_not_a_date        a 时效指标 target that is no date, deadline or period  low
      satisfaction_target_below_80        a 满意度 target below 80%                              medium
      satisfaction_target_not_percentage  a 满意度 target that is not a percentage               low
      low_ocr_confidence                  confidence below var('low_confidence_threshold')       medium
    A year is a 4-digit 19xx/20xx number followed by 年, . / - or the end of the text ("2000次" is
    a count, not a year). A text naming two or more years that span the table's year
    ("2023.07-2024.01" in a 2024 table) is a period covering that year and is not flagged.
-#}

with

indicators as (

    select * from {{ ref('int_indicators_identified') }} {{ affected_projects_only() }}

),

timeliness as (

    select
        *,
        coalesce({{ normalize_label('indicator_name') }}, '') as name_text,
        coalesce({{ normalize_label('target_raw') }}, '') as target_text

    from indicators

    where level2 = '时效指标'

),

number_tokens as (

    -- every run of digits with the character after it, in the name and in the target
    select
        indicator_id,
        'name' as mentioned_in,
        unnest(regexp_extract_all(name_text, '[0-9]+[^0-9]?')) as token

    from timeliness

    union all

    select
        indicator_id,
        'target' as mentioned_in,
        unnest(regexp_extract_all(target_text, '[0-9]+[^0-9]?')) as token

    from timeliness

),

year_mentions as (

    select
        indicator_id,
        mentioned_in,
        cast(left(token, 4) as integer) as mentioned_year

    from number_tokens

    where regexp_matches(token, '^(19|20)[0-9]{2}([年./-]|$)')

),

years_per_text as (

    select
        year_mentions.indicator_id,
        year_mentions.mentioned_in,
        timeliness.year as table_year,
        min(year_mentions.mentioned_year) as min_year,
        max(year_mentions.mentioned_year) as max_year,
        count(distinct year_mentions.mentioned_year) as n_years,
        string_agg(
            distinct cast(year_mentions.mentioned_year as varchar), '、'
            order by cast(year_mentions.mentioned_year as varchar)
        ) filter (where year_mentions.mentioned_year != timeliness.year) as other_years

    from year_mentions

    inner join timeliness
        on year_mentions.indicator_id = timeliness.indicator_id

    group by
        year_mentions.indicator_id,
        year_mentions.mentioned_in,
        timeliness.year

),

other_year_texts as (

    select * from years_per_text

    where
        other_years is not null
        -- a period spanning the table's year ('2023.07-2024.01' in 2024) is fine
        and not (n_years >= 2 and table_year between min_year and max_year)

),

other_year_per_indicator as (

    select
        indicator_id,
        string_agg(distinct other_years, '、' order by other_years) as other_years

    from other_year_texts

    group by indicator_id

),

other_year_findings as (

    select
        timeliness.project_id,
        timeliness.year,
        timeliness.indicator_id,
        'timeliness_target_other_year' as rule,
        'medium' as severity,
        'other_year' as finding_key,
        '时效指标“' || coalesce(timeliness.indicator_name, '') || '”（指标值“' || coalesce(timeliness.target_raw, '')
        || '”）写的是 ' || other_year_per_indicator.other_years || ' 年，不是本表年度 '
        || cast(timeliness.year as varchar) || ' 年 / timeliness indicator “'
        || coalesce(timeliness.indicator_name, '') || '” (target “' || coalesce(timeliness.target_raw, '')
        || '”) names ' || other_year_per_indicator.other_years || ', table year is '
        || cast(timeliness.year as varchar) as detail,
        timeliness.source_file,
        timeliness.page

    from timeliness

    inner join other_year_per_indicator
        on timeliness.indicator_id = other_year_per_indicator.indicator_id

),

not_a_date_findings as (

    -- no parsed date, and no word of time either (年 月 日 天 周 季 时 前 内 底 末: '本年度内完成',
    -- '3天以内' and '及时完成' are deadlines in words; '100%' or '一次性' are not)
    select
        project_id,
        year,
        indicator_id,
        'timeliness_target_not_a_date' as rule,
        'low' as severity,
        'not_a_date' as finding_key,
        '时效指标“' || coalesce(indicator_name, '') || '”的指标值“' || coalesce(target_raw, '')
        || '”不是日期或期限 / timeliness target “' || coalesce(target_raw, '') || '” of “'
        || coalesce(indicator_name, '') || '” is not a date or deadline' as detail,
        source_file,
        page

    from timeliness

    where
        target_date is null
        and not regexp_matches(target_text, '[年月日天周季时前内底末]')

),

satisfaction as (

    select * from indicators

    where level2 = '服务对象满意度指标' or level1 = '满意度指标'

),

below_80_findings as (

    select
        project_id,
        year,
        indicator_id,
        'satisfaction_target_below_80' as rule,
        'medium' as severity,
        'below_80' as finding_key,
        '满意度指标“' || coalesce(indicator_name, '') || '”的指标值“' || coalesce(target_raw, '')
        || '”低于 80% / satisfaction target “' || coalesce(target_raw, '') || '” of “'
        || coalesce(indicator_name, '') || '” is below 80%' as detail,
        source_file,
        page

    from satisfaction

    where target_unit = '%' and target_value < 80

),

not_percentage_findings as (

    select
        project_id,
        year,
        indicator_id,
        'satisfaction_target_not_percentage' as rule,
        'low' as severity,
        'not_percentage' as finding_key,
        '满意度指标“' || coalesce(indicator_name, '') || '”的指标值“' || coalesce(target_raw, '')
        || '”不是百分比 / satisfaction target “' || coalesce(target_raw, '') || '” of “'
        || coalesce(indicator_name, '') || '” is not a percentage' as detail,
        source_file,
        page

    from satisfaction

    where target_unit is distinct from '%'

),

low_confidence_findings as (

    select
        project_id,
        year,
        indicator_id,
        'low_ocr_confidence' as rule,
        'medium' as severity,
        'low_confidence' as finding_key,
        '指标“' || coalesce(indicator_name, '') || '”（指标值“' || coalesce(target_raw, '')
        || '”）的识别置信度 ' || printf('%.2f', ocr_confidence) || ' 低于阈值 '
        || printf('%.2f', {{ var('low_confidence_threshold') }}) || '，请对照原件核对 / indicator “'
        || coalesce(indicator_name, '') || '” (target “' || coalesce(target_raw, '')
        || '”) was read with confidence ' || printf('%.2f', ocr_confidence) || ', below the '
        || printf('%.2f', {{ var('low_confidence_threshold') }}) || ' threshold: check it against the page' as detail,
        source_file,
        page

    from indicators

    where ocr_confidence < {{ var('low_confidence_threshold') }}

),

final as (

    select * from other_year_findings

    union all

    select * from not_a_date_findings

    union all

    select * from below_80_findings

    union all

    select * from not_percentage_findings

    union all

    select * from low_confidence_findings

)

select * from final {{ affected_projects_only() }}
