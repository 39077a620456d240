{#-
    parse_target_ctes(source, text_expr, level2_expr, p): the 指标值 parser as a chain of CTEs, so
    the planned target (int_indicator_targets_parsed), the self-evaluation's 年度指标值 and its
    实际完成值 (int_self_eval_indicators_parsed) are read by one parser.
    Emits the CTEs {p}_normalized → {p}_classified → {p}_extracted → {p}_interpreted over the CTE
    `source`; the last one holds every column of `source` plus
      {p}_text        the normalised text the patterns ran on
      {p}_kind        number | date | text (qualitative) | blank
      {p}_comparator  >= > <= < = ('<=' for a deadline, null for qualitative text)
      {p}_value       DECIMAL(18,6)
      {p}_unit        '%', '次', '万元' ('万' alone means 万元), 'date' for a deadline, null when none
      {p}_date        the deadline: last day of the printed period
    A text printing digits apart (macro digits_apart: `100 95`, `5 6 2`; not `1 487 960`) is
    never read as the number the normaliser would glue it into: it is kind 'text' with no
    value, kept as printed for the auditor (int_findings_funds reports it).
    Patterns run on the normalised text (no whitespace, full-width ASCII -> half-width,
    ≥ ≧ ≤ ≦ ﹥ ﹤ -> >= >= <= <= > <, thousands separators dropped). The comparators come from
    macros/target_comparators.sql, generated from the list the form reader uses
    (flows/forms/spec.py COMPARATORS), and so do the qualifiers after a unit (UNIT_QUALIFIERS).
    [0-9] is used instead of backslash classes on purpose (no escaping through Jinja).
      date range   2023.07-2024.01           -> '<=', unit 'date', last day of the end month
      date (day)   2024年12月31日 / 2024-12-31 -> '<=', that day
      date (month) 2024年12月 / 2024年12月底    -> '<=', last day of the month
                   (2024.12 only under 时效指标: elsewhere it is a number)
      date (year)  2024年 / 2024年底 / 2023年全年 -> '<=', 31 December
      number       ≥98% / >92% / ≤30万元 / 5次 / 20人以上 / 148.796万 / 1021
      otherwise    qualitative: comparator, value and unit stay null
-#}
{%- macro parse_target_ctes(source, text_expr, level2_expr, p) -%}
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
{%- set number_re = '^' ~ comparator_pattern() ~ '?'
    ~ '(不低于|不少于|不小于|不超过|不高于|不多于|不大于|大于|高于|超过|多于|小于|低于|少于|达到|约)?'
    ~ '(-?[0-9]+(?:[.][0-9]+)?)([^0-9<>=]{0,6}?)' ~ unit_qualifier_pattern() ~ '?$' -%}
{{ p }}_normalized as (

    select
        *,
        regexp_replace(
            {{ fold_comparators(normalize_label(text_expr)) }},
            ',([0-9]{3})',
            '\1',
            'g'
        ) as {{ p }}_text

    from {{ source }}

),

{{ p }}_classified as (

    select
        *,
        case
            when coalesce({{ p }}_text, '') = '' then 'blank'
            when coalesce({{ digits_apart(text_expr) }}, false) then 'text'
            when regexp_matches({{ p }}_text, '{{ date_range_re }}') then 'date_range'
            when regexp_matches({{ p }}_text, '{{ date_day_re }}') then 'date_day'
            when
                regexp_matches({{ p }}_text, '{{ date_month_re }}')
                and (
                    regexp_extract({{ p }}_text, '{{ date_month_re }}', 2) != '.'
                    or {{ level2_expr }} = '时效指标'
                )
                then 'date_month'
            when regexp_matches({{ p }}_text, '{{ date_year_re }}') then 'date_year'
            when regexp_matches({{ p }}_text, '{{ number_re }}') then 'number'
            else 'text'
        end as {{ p }}_pattern

    from {{ p }}_normalized

),

{{ p }}_extracted as (

    select
        *,
        case {{ p }}_pattern
            when 'date_range' then regexp_extract({{ p }}_text, '{{ date_range_re }}', 3)
            when 'date_day' then regexp_extract({{ p }}_text, '{{ date_day_re }}', 1)
            when 'date_month' then regexp_extract({{ p }}_text, '{{ date_month_re }}', 1)
            when 'date_year' then regexp_extract({{ p }}_text, '{{ date_year_re }}', 1)
        end as {{ p }}_date_year_text,
        case {{ p }}_pattern
            when 'date_range' then regexp_extract({{ p }}_text, '{{ date_range_re }}', 4)
            when 'date_day' then regexp_extract({{ p }}_text, '{{ date_day_re }}', 2)
            when 'date_month' then regexp_extract({{ p }}_text, '{{ date_month_re }}', 3)
            when 'date_year' then '12'
        end as {{ p }}_date_month_text,
        case {{ p }}_pattern
            when 'date_day' then regexp_extract({{ p }}_text, '{{ date_day_re }}', 3)
        end as {{ p }}_date_day_text,
        case {{ p }}_pattern
            when 'number' then regexp_extract({{ p }}_text, '{{ number_re }}', 1)
        end as {{ p }}_number_symbol,
        case {{ p }}_pattern
            when 'number' then regexp_extract({{ p }}_text, '{{ number_re }}', 2)
        end as {{ p }}_number_word,
        case {{ p }}_pattern
            when 'number' then regexp_extract({{ p }}_text, '{{ number_re }}', 3)
        end as {{ p }}_number_amount,
        case {{ p }}_pattern
            when 'number' then regexp_extract({{ p }}_text, '{{ number_re }}', 4)
        end as {{ p }}_number_unit,
        case {{ p }}_pattern
            when 'number' then regexp_extract({{ p }}_text, '{{ number_re }}', 5)
        end as {{ p }}_number_suffix

    from {{ p }}_classified

),

{{ p }}_interpreted as (

    select
        *,
        case
            when {{ p }}_pattern like 'date%' then 'date'
            else {{ p }}_pattern
        end as {{ p }}_kind,
        case
            when {{ p }}_date_day_text is not null
                then try(make_date(
                    cast({{ p }}_date_year_text as integer),
                    cast({{ p }}_date_month_text as integer),
                    cast({{ p }}_date_day_text as integer)
                ))
            when {{ p }}_date_month_text is not null
                then last_day(try(make_date(
                    cast({{ p }}_date_year_text as integer),
                    cast({{ p }}_date_month_text as integer),
                    1
                )))
        end as {{ p }}_date,
        case
            when {{ p }}_pattern like 'date%' then '<='
            when {{ p }}_pattern != 'number' then null
            when {{ p }}_number_symbol != '' then {{ comparator_of(p ~ '_number_symbol') }}
            when {{ p }}_number_word in ('不低于', '不少于', '不小于', '达到') then '>='
            when {{ p }}_number_word in ('不超过', '不高于', '不多于', '不大于') then '<='
            when {{ p }}_number_word in ('大于', '高于', '超过', '多于') then '>'
            when {{ p }}_number_word in ('小于', '低于', '少于') then '<'
            when {{ p }}_number_suffix in ('及以上', '以上') then '>='
            when {{ p }}_number_suffix in ('及以下', '以下', '以内', '之内') then '<='
            else '='
        end as {{ p }}_comparator,
        try_cast({{ p }}_number_amount as decimal(18, 6)) as {{ p }}_value,
        case
            when {{ p }}_pattern like 'date%' then 'date'
            when {{ p }}_pattern != 'number' then null
            when {{ p }}_number_unit = '万' then '万元'
            else nullif({{ p }}_number_unit, '')
        end as {{ p }}_unit

    from {{ p }}_extracted

)
{%- endmacro -%}


{#-
    target_met(t, a, level2): whether the actual (columns {a}_kind/_value/_unit/_date of the
    parser above) meets the target ({t}_comparator/_value/_unit/_date); null when either is
    qualitative, blank or in another unit, so nothing is claimed that the page does not show.
      deadline  actual date on or before the target date
      number    by the target's comparator; a bare '=' target ('5次', '100%', '168.66万元') is met
                at or above it (a positive indicator: the domain scores 实际/目标 × 分值), except
                under 成本指标 (经济成本指标 and other spellings are that category) where spending
                at or below the planned cost meets it
    Units must agree when both sides print one; amounts in 元 and 万元 are compared in 万元
    ('10万元' is met by '95000元' under 成本指标).
-#}
{%- macro target_met(t, a, level2) -%}
{%- set both_money = t ~ "_unit in ('万元', '元') and " ~ a ~ "_unit in ('万元', '元')" -%}
{%- set target_value -%}
case when {{ both_money }} and {{ t }}_unit = '元' then {{ t }}_value / 10000 else {{ t }}_value end
{%- endset -%}
{%- set actual_value -%}
case when {{ both_money }} and {{ a }}_unit = '元' then {{ a }}_value / 10000 else {{ a }}_value end
{%- endset -%}
case
    when {{ t }}_kind = 'date' and {{ a }}_kind = 'date'
        then {{ a }}_date <= {{ t }}_date
    when {{ t }}_kind != 'number' or {{ a }}_kind != 'number' then null
    when {{ t }}_value is null or {{ a }}_value is null then null
    when
        {{ t }}_unit is not null and {{ a }}_unit is not null and {{ t }}_unit != {{ a }}_unit
        and not ({{ both_money }})
        then null
    when {{ t }}_comparator = '>=' then {{ actual_value }} >= {{ target_value }}
    when {{ t }}_comparator = '>' then {{ actual_value }} > {{ target_value }}
    when {{ t }}_comparator = '<=' then {{ actual_value }} <= {{ target_value }}
    when {{ t }}_comparator = '<' then {{ actual_value }} < {{ target_value }}
    when {{ level2 }} = '成本指标' then {{ actual_value }} <= {{ target_value }}
    else {{ actual_value }} >= {{ target_value }}
end
{%- endmacro -%}

{#- The columns of one self-evaluation indicator as int_self_eval_indicators_parsed gives them
    and int_self_eval_indicators_identified carries them on (`alias`: the relation they are read
    from, when the query joins several): one list, so the two models cannot drift apart. -#}
{%- macro self_eval_indicator_columns(alias=none) -%}
    {%- set columns = [
        'document_sha256', 'project_seq', 'indicator_seq', 'source_file',
        'level1', 'level1_printed', 'level2', 'level2_printed', 'indicator_name', 'indicator_name_key',
        'target_raw', 'target_text', 'target_kind', 'target_comparator', 'target_value', 'target_unit',
        'target_date',
        'actual_raw', 'actual_kind', 'actual_value', 'actual_unit', 'actual_date',
        'weight_printed', 'score_printed', 'weight', 'score', 'deviation_reason',
        'target_nature', 'measure_unit', 'is_achieved', 'page', 'min_confidence',
        'target_confidence', 'name_confidence', 'is_text_layer',
    ] -%}
    {%- for column in columns %}
        {{ alias ~ '.' if alias else '' }}{{ column }}{{ ',' if not loop.last }}
    {%- endfor -%}
{%- endmacro -%}

{#- The numbers two normalised targets print, in order, are the same and there is one at least:
    the texts then differ only in the characters around them ('90F%' and '90%'). -#}
{%- macro same_printed_numbers(a, b) -%}
    (
        len(regexp_extract_all(coalesce({{ a }}, ''), '[0-9]+([.][0-9]+)?')) > 0
        and regexp_extract_all(coalesce({{ a }}, ''), '[0-9]+([.][0-9]+)?')
        = regexp_extract_all(coalesce({{ b }}, ''), '[0-9]+([.][0-9]+)?')
    )
{%- endmacro -%}

{#- `longer` prints a number `shorter` does not: its extra characters hold a digit, and a number of
    `shorter` does not stand whole among the numbers of `longer` ('89%' after '8%', '=45剂次' after
    '=4剂次', '500' after '50'). A number printed twice or more glued is a line read twice
    ('25682568' after '2568'), not another number, except a number of one digit ('55' after '5').
    Extra marks or spaces inside a number ('2030.0 1' after '2030.01') add no digit: no other number. -#}
{%- macro prints_another_number(shorter, longer) -%}
    (
        length({{ digits_of(longer) }}) > length({{ digits_of(shorter) }})
        and len(list_filter(
            regexp_extract_all(coalesce({{ shorter }}, ''), '[0-9]+(?:[.][0-9]+)?'),
            lambda x: not coalesce(list_bool_or(list_transform(
                regexp_extract_all(coalesce({{ longer }}, ''), '[0-9]+(?:[.][0-9]+)?'),
                lambda y: y = x or (
                    length(x) >= 2 and length(y) % length(x) = 0 and repeat(x, length(y) // length(x)) = y
                )
            )), false)
        )) > 0
    )
{%- endmacro -%}

{#- `longer` prints every character of `shorter` in order, and more: marks, the next cell's value
    or a line read twice glued on ('>=87%87%' after '>=87%', '<=25682568元元/人/人' after
    '<=2568元/人'), never another number (`prints_another_number`: '500' after '50', '89%' after
    '8%' is a different target, not extra marks; `digits`: two strings of digits alone, where no
    number ends). Each character of `shorter` is matched as a
    one-character class, so no character of a printed target acts as a pattern. -#}
{%- macro reads_the_other_in_order(longer, shorter, digits=false) -%}
    (
        length({{ longer }}) > length({{ shorter }})
        and length({{ shorter }}) > 0
        {%- if not digits %}
        and not {{ prints_another_number(shorter, longer) }}
        {%- endif %}
        and regexp_matches(
            {{ longer }},
            array_to_string(
                list_transform(
                    string_split({{ shorter }}, ''),
                    lambda ch: '[' || (case when ch in ('\', ']', '^', '-', '[') then '\' || ch else ch end) || ']'
                ),
                '.*'
            )
        )
    )
{%- endmacro -%}

{#- The digits a normalised target prints, in order, without anything between them. -#}
{%- macro digits_of(text) -%}
    regexp_replace(coalesce({{ text }}, ''), '[^0-9]', '', 'g')
{%- endmacro -%}
