{#-
    digits_apart(expr): true when the printed text holds two runs of digits with only whitespace
    between them that are not thousands groups (`100 95.77`, `5 6 2`, `12 3456`): two numbers OCR
    read into one cell, or one number torn apart, never one number to glue together (the
    normaliser drops every space, which would read `100 95.77` as 10095.77). Groups of three after
    a first group of one to three digits (`1 487 960`, `2 000.5`) are a thousands separator and
    not apart; a unit or comparator set off by a space (`≥ 90 %`, `2023 年`) is not digits.
    Full-width digits and spaces count as their ASCII forms.
-#}
{%- macro digits_apart(expr) -%}
regexp_matches(
    regexp_replace(
        translate(cast({{ expr }} as varchar), {{ nfkc_from_chars() }}, {{ nfkc_to_chars() }}),
        '(^|[^0-9.])[0-9]{1,3}(?:[\s\p{Z}]+[0-9]{3})+([^0-9]|$)',
        '\10\2',
        'g'
    ),
    '[0-9][\s\p{Z}\x{200B}-\x{200D}\x{FEFF}]+[0-9]'
)
{%- endmacro -%}

{#-
    parse_decimal(expr): a printed score, weight or rate -> decimal(18, 6), null when blank or
    unreadable ('/' and '—' in the cells that do not apply) or printed as digits apart
    (digits_apart: `100 95.77` is two numbers, not 10095.77). Accepts full-width digits,
    thousands separators (commas or spaced groups of three) and a trailing 分 / % / ％ (the unit is
    read elsewhere, not applied here).
-#}
{%- macro parse_decimal(expr) -%}
case
    when not coalesce({{ digits_apart(expr) }}, false)
        then try_cast(
            nullif(
                replace(regexp_replace({{ normalize_label(expr) }}, '(分|%)$', ''), ',', ''),
                ''
            ) as decimal(18, 6)
        )
end
{%- endmacro -%}
