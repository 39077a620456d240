{#-
    Audit rules on the shape of a project's indicator table (see docs blocks
    rule_mandatory_category_missing and rule_duplicate_indicator):
      mandatory_category_missing  one of the seven 必填 二级指标 has no indicator     high
      duplicate_indicator         the same (二级指标, 三级指标, 指标值) twice          low
-#}

with

projects as (

    select * from {{ ref('int_projects_deduplicated') }} {{ affected_projects_only() }}

),

indicators as (

    select * from {{ ref('int_indicators_identified') }} {{ affected_projects_only() }}

),

required_categories as (

    -- the categories the national form marks 必填 (财预〔2021〕101号 and the seed's printed labels)
    select
        level1,
        level2,
        level2_en

    from {{ ref('indicator_categories') }}

    where is_required

),

present_categories as (

    select distinct
        project_id,
        year,
        level2

    from indicators

    where level2 is not null

),

missing_categories as (

    select
        projects.project_id,
        projects.year,
        projects.source_file,
        projects.project_page,
        required_categories.level1,
        required_categories.level2,
        required_categories.level2_en

    from projects

    cross join required_categories

    left join present_categories
        on
            projects.project_id = present_categories.project_id
            and projects.year is not distinct from present_categories.year
            and required_categories.level2 = present_categories.level2

    where present_categories.level2 is null

),

missing_findings as (

    select
        project_id,
        year,
        cast(null as varchar) as indicator_id,
        'mandatory_category_missing' as rule,
        'high' as severity,
        level2 as finding_key,
        level1 || '下缺少必填二级指标“' || level2 || '” / mandatory category ' || level2 || ' ('
        || level2_en || ', under ' || level1 || ') has no indicator' as detail,
        source_file,
        project_page as page

    from missing_categories

),

printed_keys as (

    -- each distinct printed name or 指标值 normalised once (they repeat across tables)
    select
        printed,
        coalesce({{ normalize_label('printed') }}, '') as printed_key

    from (
        select indicator_name as printed from indicators
        union
        select target_raw as printed from indicators
    ) as texts

),

keyed_indicators as (

    select
        indicators.*,
        coalesce(name_keys.printed_key, '') as indicator_name_key,
        coalesce(target_keys.printed_key, '') as target_key

    from indicators

    left join printed_keys as name_keys
        on indicators.indicator_name = name_keys.printed

    left join printed_keys as target_keys
        on indicators.target_raw = target_keys.printed

),

numbered_indicators as (

    select
        *,
        row_number() over (
            partition by project_id, year, level2, indicator_name_key, target_key
            order by indicator_seq
        ) as occurrence,
        first_value(indicator_seq) over (
            partition by project_id, year, level2, indicator_name_key, target_key
            order by indicator_seq
        ) as first_indicator_seq,
        first_value(page) over (
            partition by project_id, year, level2, indicator_name_key, target_key
            order by indicator_seq
        ) as first_page

    from keyed_indicators

),

duplicate_findings as (

    select
        project_id,
        year,
        indicator_id,
        'duplicate_indicator' as rule,
        'low' as severity,
        'duplicate' as finding_key,
        coalesce(level2, '（未识别的二级指标）') || '下的“' || coalesce(indicator_name, '') || '”（指标值“'
        || coalesce(target_raw, '') || '”）重复：第 ' || cast(indicator_seq as varchar) || ' 条与第 '
        || cast(first_indicator_seq as varchar) || ' 条（第 ' || cast(first_page as varchar)
        || ' 页）相同 / indicator “' || coalesce(indicator_name, '') || '” with target “'
        || coalesce(target_raw, '') || '” under ' || coalesce(level2, 'an unrecognised category')
        || ' is repeated: row ' || cast(indicator_seq as varchar) || ' repeats row '
        || cast(first_indicator_seq as varchar) || ' (page ' || cast(first_page as varchar) || ')' as detail,
        source_file,
        page

    from numbered_indicators

    where occurrence > 1

),

final as (

    select * from missing_findings

    union all

    select * from duplicate_findings

)

select * from final {{ affected_projects_only() }}
