{#-
    Audit rule sources_disagree (docs block rule_sources_disagree), severity medium.
    When several documents (or tables) carry the same (project_id, year) — a text PDF and a scan
    of it, a revised edition — the source chosen by int_projects_deduplicated is compared with
    every other one:
      * each header field, after normalize_label (amounts compared as parsed 万元 when readable);
      * each indicator, matched by (一级, 二级, normalised 三级指标, occurrence): its target after
        normalize_label, or the indicator being printed in one source only.
    One finding per differing value and other source; the detail names both files, pages and values.
-#}

with

candidates as (

    select * from {{ ref('int_projects_pivoted') }} {{ affected_projects_only() }}

),

chosen as (

    select * from {{ ref('int_projects_deduplicated') }} {{ affected_projects_only() }}

),

extracted_values as (

    select * from {{ ref('stg_raw__extracted_values') }}

),

indicators as (

    select * from {{ ref('int_indicator_targets_parsed') }}

),

identified_indicators as (

    select * from {{ ref('int_indicators_identified') }}

),

source_pairs as (

    -- the chosen source against each other source of the same project and year
    select
        chosen.project_id,
        chosen.year,
        chosen.document_sha256 as chosen_sha256,
        chosen.project_seq as chosen_project_seq,
        chosen.source_file as chosen_file,
        candidates.document_sha256 as other_sha256,
        candidates.project_seq as other_project_seq,
        candidates.source_file as other_file

    from chosen

    inner join candidates
        on
            chosen.project_id = candidates.project_id
            and chosen.year is not distinct from candidates.year
            and not (
                chosen.document_sha256 = candidates.document_sha256
                and chosen.project_seq = candidates.project_seq
            )

),

compared_documents as (

    select chosen_sha256 as document_sha256 from source_pairs

    union

    select other_sha256 as document_sha256 from source_pairs

),

field_values as (

    select
        document_sha256,
        project_seq,
        field_name,
        printed_value,
        page,
        case
            when field_name in ('total_funds', 'fiscal_funds', 'other_funds')
                then coalesce(
                    cast({{ parse_amount_wan('printed_value') }} as varchar),
                    coalesce({{ normalize_label('printed_value') }}, '')
                )
            else coalesce({{ normalize_label('printed_value') }}, '')
        end as value_key

    from extracted_values

    -- only documents that take part in a comparison: normalising every printed value of the
    -- warehouse cost most of this model
    where
        form = 'project_target'
        and record_type = 'field'
        and document_sha256 in (select document_sha256 from compared_documents)  -- noqa: RF02

),

paired_fields as (

    select
        source_pairs.*,
        'chosen' as side,
        field_values.field_name,
        field_values.printed_value,
        field_values.page,
        field_values.value_key

    from source_pairs

    inner join field_values
        on
            source_pairs.chosen_sha256 = field_values.document_sha256
            and source_pairs.chosen_project_seq = field_values.project_seq

    union all

    select
        source_pairs.*,
        'other' as side,
        field_values.field_name,
        field_values.printed_value,
        field_values.page,
        field_values.value_key

    from source_pairs

    inner join field_values
        on
            source_pairs.other_sha256 = field_values.document_sha256
            and source_pairs.other_project_seq = field_values.project_seq

),

compared_fields as (

    select
        project_id,
        year,
        chosen_file,
        other_sha256,
        other_project_seq,
        other_file,
        field_name,
        coalesce(max(value_key) filter (where side = 'chosen'), '') as chosen_key,
        coalesce(max(value_key) filter (where side = 'other'), '') as other_key,
        coalesce(max(printed_value) filter (where side = 'chosen'), '') as chosen_value,
        coalesce(max(printed_value) filter (where side = 'other'), '') as other_value,
        min(page) filter (where side = 'chosen') as chosen_page,
        min(page) filter (where side = 'other') as other_page

    from paired_fields

    group by
        project_id,
        year,
        chosen_file,
        other_sha256,
        other_project_seq,
        other_file,
        field_name

),

field_labels as (

    select
        field_label_values.field_name,
        field_label_values.field_label

    from (
        values
        ('year', '年度'),
        ('project_name', '项目名称'),
        ('department_code', '主管部门及代码'),
        ('implementing_unit', '实施单位'),
        ('project_attribute', '项目属性'),
        ('project_period', '项目期'),
        ('total_funds', '年度资金总额'),
        ('fiscal_funds', '财政拨款'),
        ('other_funds', '其他资金'),
        ('overall_goal', '年度总体目标')
    ) as field_label_values (field_name, field_label)

),

field_findings as (

    select
        compared_fields.project_id,
        compared_fields.year,
        cast(null as varchar) as indicator_id,
        'sources_disagree' as rule,
        'medium' as severity,
        'field:' || compared_fields.field_name || '|' || compared_fields.other_sha256 || ':'
        || cast(compared_fields.other_project_seq as varchar) as finding_key,
        coalesce(field_labels.field_label, compared_fields.field_name) || '两份来源不一致：'
        || compared_fields.chosen_file || ' 第 ' || coalesce(cast(compared_fields.chosen_page as varchar), '?')
        || ' 页为“' || compared_fields.chosen_value || '”，' || compared_fields.other_file || ' 第 '
        || coalesce(cast(compared_fields.other_page as varchar), '?') || ' 页为“' || compared_fields.other_value
        || '” / ' || compared_fields.field_name || ' differs between sources: “' || compared_fields.chosen_value
        || '” in ' || compared_fields.chosen_file || ' (page '
        || coalesce(cast(compared_fields.chosen_page as varchar), '?') || ') vs “' || compared_fields.other_value
        || '” in ' || compared_fields.other_file || ' (page '
        || coalesce(cast(compared_fields.other_page as varchar), '?') || ')' as detail,
        case
            when compared_fields.chosen_page is not null then compared_fields.chosen_file
            else compared_fields.other_file
        end as source_file,
        coalesce(compared_fields.chosen_page, compared_fields.other_page) as page

    from compared_fields

    left join field_labels
        on compared_fields.field_name = field_labels.field_name

    where compared_fields.chosen_key != compared_fields.other_key

),

keyed_indicators as (

    select
        document_sha256,
        project_seq,
        indicator_seq,
        level2,
        indicator_name,
        target_raw,
        page,
        coalesce({{ normalize_label('target_raw') }}, '') as target_key,
        concat_ws(
            '|',
            coalesce(level1, ''),
            coalesce(level2, ''),
            coalesce({{ normalize_label('indicator_name') }}, ''),
            cast(
                row_number() over (
                    partition by
                        document_sha256,
                        project_seq,
                        level1,
                        level2,
                        {{ normalize_label('indicator_name') }}
                    order by indicator_seq
                ) as varchar
            )
        ) as match_key

    from indicators

    where document_sha256 in (select document_sha256 from compared_documents)  -- noqa: RF02

),

paired_indicators as (

    select
        source_pairs.*,
        'chosen' as side,
        keyed_indicators.*

    from source_pairs

    inner join keyed_indicators
        on
            source_pairs.chosen_sha256 = keyed_indicators.document_sha256
            and source_pairs.chosen_project_seq = keyed_indicators.project_seq

    union all

    select
        source_pairs.*,
        'other' as side,
        keyed_indicators.*

    from source_pairs

    inner join keyed_indicators
        on
            source_pairs.other_sha256 = keyed_indicators.document_sha256
            and source_pairs.other_project_seq = keyed_indicators.project_seq

),

compared_indicators as (

    select
        project_id,
        year,
        chosen_sha256,
        chosen_project_seq,
        chosen_file,
        other_sha256,
        other_project_seq,
        other_file,
        match_key,
        count(*) filter (where side = 'chosen') > 0 as in_chosen,
        count(*) filter (where side = 'other') > 0 as in_other,
        max(indicator_seq) filter (where side = 'chosen') as chosen_indicator_seq,
        coalesce(max(indicator_name) filter (where side = 'chosen'), max(indicator_name)) as indicator_name,
        coalesce(max(level2) filter (where side = 'chosen'), max(level2)) as level2,
        max(target_key) filter (where side = 'chosen') as chosen_key,
        max(target_key) filter (where side = 'other') as other_key,
        coalesce(max(target_raw) filter (where side = 'chosen'), '') as chosen_value,
        coalesce(max(target_raw) filter (where side = 'other'), '') as other_value,
        min(page) filter (where side = 'chosen') as chosen_page,
        min(page) filter (where side = 'other') as other_page

    from paired_indicators

    group by
        project_id,
        year,
        chosen_sha256,
        chosen_project_seq,
        chosen_file,
        other_sha256,
        other_project_seq,
        other_file,
        match_key

),

differing_indicators as (

    select
        compared_indicators.*,
        '指标“' || coalesce(compared_indicators.indicator_name, '') || '”（'
        || coalesce(compared_indicators.level2, '未识别的二级指标') || '）' as label_zh,
        'indicator “' || coalesce(compared_indicators.indicator_name, '') || '” ('
        || coalesce(compared_indicators.level2, 'unrecognised category') || ')' as label_en

    from compared_indicators

    where
        not (compared_indicators.in_chosen and compared_indicators.in_other)
        or compared_indicators.chosen_key != compared_indicators.other_key

),

indicator_findings as (

    select
        differing_indicators.project_id,
        differing_indicators.year,
        identified_indicators.indicator_id,
        'sources_disagree' as rule,
        'medium' as severity,
        'indicator:' || differing_indicators.match_key || '|' || differing_indicators.other_sha256 || ':'
        || cast(differing_indicators.other_project_seq as varchar) as finding_key,
        case
            when not differing_indicators.in_other
                then
                    differing_indicators.label_zh || '只见于 ' || differing_indicators.chosen_file || ' 第 '
                    || cast(differing_indicators.chosen_page as varchar) || ' 页（指标值“'
                    || differing_indicators.chosen_value || '”），' || differing_indicators.other_file
                    || ' 中没有 / ' || differing_indicators.label_en || ' with target “'
                    || differing_indicators.chosen_value || '” is printed in ' || differing_indicators.chosen_file
                    || ' (page ' || cast(differing_indicators.chosen_page as varchar) || ') but not in '
                    || differing_indicators.other_file
            when not differing_indicators.in_chosen
                then
                    differing_indicators.label_zh || '只见于 ' || differing_indicators.other_file || ' 第 '
                    || cast(differing_indicators.other_page as varchar) || ' 页（指标值“'
                    || differing_indicators.other_value || '”），' || differing_indicators.chosen_file
                    || ' 中没有 / ' || differing_indicators.label_en || ' with target “'
                    || differing_indicators.other_value || '” is printed in ' || differing_indicators.other_file
                    || ' (page ' || cast(differing_indicators.other_page as varchar) || ') but not in '
                    || differing_indicators.chosen_file
            else
                differing_indicators.label_zh || '的指标值两份来源不一致：' || differing_indicators.chosen_file
                || ' 第 ' || cast(differing_indicators.chosen_page as varchar) || ' 页为“'
                || differing_indicators.chosen_value || '”，' || differing_indicators.other_file || ' 第 '
                || cast(differing_indicators.other_page as varchar) || ' 页为“' || differing_indicators.other_value
                || '” / target of ' || differing_indicators.label_en || ' differs between sources: “'
                || differing_indicators.chosen_value || '” in ' || differing_indicators.chosen_file || ' (page '
                || cast(differing_indicators.chosen_page as varchar) || ') vs “' || differing_indicators.other_value
                || '” in ' || differing_indicators.other_file || ' (page '
                || cast(differing_indicators.other_page as varchar) || ')'
        end as detail,
        case
            when differing_indicators.in_chosen then differing_indicators.chosen_file
            else differing_indicators.other_file
        end as source_file,
        coalesce(differing_indicators.chosen_page, differing_indicators.other_page) as page

    from differing_indicators

    left join identified_indicators
        on
            differing_indicators.chosen_sha256 = identified_indicators.document_sha256
            and differing_indicators.chosen_project_seq = identified_indicators.project_seq
            and differing_indicators.chosen_indicator_seq = identified_indicators.indicator_seq

),

final as (

    select * from field_findings

    union all

    select * from indicator_findings

)

select * from final {{ affected_projects_only() }}
