{#-
    parse_decimal(expr): a printed score, weight or rate -> decimal(18, 6), null when blank or
    unreadable ('/' and '—' in the cells that do not apply). Accepts full-width digits, spaces,
    thousands separators and a trailing 分 / % / ％ (the unit is read elsewhere, not applied here).
-#}
{%- macro parse_decimal(expr) -%}
try_cast(
    nullif(
        replace(regexp_replace({{ normalize_label(expr) }}, '(分|%)$', ''), ',', ''),
        ''
    ) as decimal(18, 6)
)
{%- endmacro -%}
