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

indicators as (

    select * from {{ ref('int_indicator_targets_parsed') }}

),

identified_indicators as (

    select * from {{ ref('int_indicators_identified') }}

),

{{ source_pairs() }},

{{ compare_source_fields('project_target', 'field') }},

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
