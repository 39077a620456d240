{#-
    Parses the printed 指标值 (target_raw) into comparator / target_value / target_unit / target_date.
    Patterns run on the normalised text (no whitespace, full-width ASCII -> half-width,
    ≥ ≧ ≤ ≦ ﹥ ﹤ -> >= >= <= <= > <, thousands separators dropped).
    [0-9] is used instead of backslash classes on purpose (no escaping through Jinja).
      date range   2023.07-2024.01           -> '<=', unit 'date', last day of the end month
      date (day)   2024年12月31日 / 2024-12-31 -> '<=', that day
      date (month) 2024年12月 / 2024年12月底    -> '<=', last day of the month
                   (2024.12 only under 时效指标: elsewhere it is a number)
      date (year)  2024年 / 2024年底 / 2023年全年 -> '<=', 31 December
      number       ≥98% / >92% / ≤30万元 / 5次 / 20人以上 / 148.796万 / 1021
      otherwise    qualitative: comparator, value and unit stay null
-#}
{%- set year_re = '((?:19|20)[0-9]{2})' -%}
{%- set month_re = '(0?[1-9]|1[0-2])' -%}
{%- set day_re = '(0?[1-9]|[12][0-9]|3[01])' -%}
{%- set deadline_re = '(?:前|之前|以前|内|以内)?(?:完成|完工|结束)?' -%}
{%- set date_range_re = '^' ~ year_re ~ '[./年-]' ~ month_re ~ '月?(?:底|末)?[-~—–至到]'
    ~ year_re ~ '[./年-]' ~ month_re ~ '月?(?:底|末)?' ~ deadline_re ~ '$' -%}
{%- set date_day_re = '^' ~ year_re ~ '(?:年|[./-])' ~ month_re ~ '(?:月|[./-])' ~ day_re
    ~ '(?:日|号)?' ~ deadline_re ~ '$' -%}
{%- set date_month_re = '^' ~ year_re ~ '(年|[./-])' ~ month_re ~ '(?:月份?)?(?:底|末)?'
    ~ deadline_re ~ '$' -%}
{%- set date_year_re = '^' ~ year_re ~ '年度?(?:全年|年底|年末|底|末|内)?' ~ deadline_re ~ '$' -%}
{%- set number_re = '^(>=|<=|=>|=<|>|<|=)?'
    ~ '(不低于|不少于|不小于|不超过|不高于|不多于|不大于|大于|高于|超过|多于|小于|低于|少于|达到|约)?'
    ~ '(-?[0-9]+(?:[.][0-9]+)?)([^0-9<>=]{0,6}?)(及以上|以上|及以下|以下|以内|之内)?$' -%}

with

indicators as (

    select * from {{ ref('int_indicator_categories_normalized') }}

),

normalized as (

    select
        *,
        regexp_replace(
            replace(
                replace(
                    translate({{ normalize_label('target_raw') }}, '≧≦﹥﹤', '≥≤><'),
                    '≥',
                    '>='
                ),
                '≤',
                '<='
            ),
            ',([0-9]{3})',
            '\1',
            'g'
        ) as target_text

    from indicators

),

classified as (

    select
        *,
        case
            when coalesce(target_text, '') = '' then 'blank'
            when regexp_matches(target_text, '{{ date_range_re }}') then 'date_range'
            when regexp_matches(target_text, '{{ date_day_re }}') then 'date_day'
            when
                regexp_matches(target_text, '{{ date_month_re }}')
                and (regexp_extract(target_text, '{{ date_month_re }}', 2) != '.' or level2 = '时效指标')
                then 'date_month'
            when regexp_matches(target_text, '{{ date_year_re }}') then 'date_year'
            when regexp_matches(target_text, '{{ number_re }}') then 'number'
            else 'text'
        end as target_pattern

    from normalized

),

extracted as (

    select
        *,
        case target_pattern
            when 'date_range' then regexp_extract(target_text, '{{ date_range_re }}', 3)
            when 'date_day' then regexp_extract(target_text, '{{ date_day_re }}', 1)
            when 'date_month' then regexp_extract(target_text, '{{ date_month_re }}', 1)
            when 'date_year' then regexp_extract(target_text, '{{ date_year_re }}', 1)
        end as date_year_text,
        case target_pattern
            when 'date_range' then regexp_extract(target_text, '{{ date_range_re }}', 4)
            when 'date_day' then regexp_extract(target_text, '{{ date_day_re }}', 2)
            when 'date_month' then regexp_extract(target_text, '{{ date_month_re }}', 3)
            when 'date_year' then '12'
        end as date_month_text,
        case target_pattern
            when 'date_day' then regexp_extract(target_text, '{{ date_day_re }}', 3)
        end as date_day_text,
        case target_pattern
            when 'number' then regexp_extract(target_text, '{{ number_re }}', 1)
        end as number_symbol,
        case target_pattern
            when 'number' then regexp_extract(target_text, '{{ number_re }}', 2)
        end as number_word,
        case target_pattern
            when 'number' then regexp_extract(target_text, '{{ number_re }}', 3)
        end as number_amount,
        case target_pattern
            when 'number' then regexp_extract(target_text, '{{ number_re }}', 4)
        end as number_unit,
        case target_pattern
            when 'number' then regexp_extract(target_text, '{{ number_re }}', 5)
        end as number_suffix

    from classified

),

interpreted as (

    select
        *,
        case
            when date_day_text is not null
                then try(make_date(
                    cast(date_year_text as integer),
                    cast(date_month_text as integer),
                    cast(date_day_text as integer)
                ))
            when date_month_text is not null
                then last_day(try(make_date(
                    cast(date_year_text as integer),
                    cast(date_month_text as integer),
                    1
                )))
        end as target_date,
        case
            when target_pattern like 'date%' then '<='
            when target_pattern != 'number' then null
            when number_symbol in ('>=', '=>') then '>='
            when number_symbol in ('<=', '=<') then '<='
            when number_symbol != '' then number_symbol
            when number_word in ('不低于', '不少于', '不小于', '达到') then '>='
            when number_word in ('不超过', '不高于', '不多于', '不大于') then '<='
            when number_word in ('大于', '高于', '超过', '多于') then '>'
            when number_word in ('小于', '低于', '少于') then '<'
            when number_suffix in ('及以上', '以上') then '>='
            when number_suffix in ('及以下', '以下', '以内', '之内') then '<='
            else '='
        end as comparator,
        try_cast(number_amount as decimal(18, 6)) as target_value,
        case
            when target_pattern like 'date%' then 'date'
            when target_pattern != 'number' then null
            when number_unit = '万' then '万元'
            else nullif(number_unit, '')
        end as target_unit

    from extracted

),

final as (

    select
        document_sha256,
        project_seq,
        indicator_seq,
        source_file,
        level1,
        level1_printed,
        level2,
        level2_printed,
        is_mandatory,
        is_hard,
        indicator_name,
        target_raw,
        target_nature,
        measure_unit,
        standard,
        scoring_standard,
        weight,
        case
            when target_pattern like 'date%' then 'date'
            else target_pattern
        end as target_kind,
        comparator,
        target_value,
        target_unit,
        target_date,
        page,
        target_x0,
        target_y0,
        target_x1,
        target_y1,
        min_confidence,
        extractor

    from interpreted

)

select * from final
