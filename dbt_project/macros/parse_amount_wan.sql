{#-
    parse_amount_wan(expr): a printed amount in 万元 -> decimal(18, 6), null when blank or unreadable.
    Accepts full-width digits, spaces, thousands separators and a trailing 万元 / 万 / 元 unit word
    (the header row already says the amounts are in 万元, so the unit word is dropped, not applied).
-#}
{%- macro parse_amount_wan(expr) -%}
try_cast(
    nullif(
        replace(regexp_replace({{ normalize_label(expr) }}, '(万元|万|元)$', ''), ',', ''),
        ''
    ) as decimal(18, 6)
)
{%- endmacro -%}
