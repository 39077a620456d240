{#-
    parse_amount_wan(expr, unit_expr=none): a printed amount -> 万元 as decimal(18, 6), null when
    blank, unreadable or printed as digits apart (digits_apart: `100 95.77` is two numbers, never
    10095.77). Accepts full-width digits and thousands separators (commas or spaced groups of
    three: `1 487 960`). The unit is the amount's own trailing word when printed (万元 / 万 / 元),
    else `unit_expr` (the funds unit the form prints in its heading, e.g. 项目资金（元）), else 万元;
    an amount in 元 is divided by 10000, so '1,487,960元' is 148.796 万元.
-#}
{%- macro parse_amount_wan(expr, unit_expr=none) -%}
case
    when not coalesce({{ digits_apart(expr) }}, false)
        then cast(
            try_cast(
                nullif(
                    replace(regexp_replace({{ normalize_label(expr) }}, '(万元|万|元)$', ''), ',', ''),
                    ''
                ) as decimal(18, 6)
            )
            / case
                when regexp_matches({{ normalize_label(expr) }}, '万元?$') then 1
                when regexp_matches({{ normalize_label(expr) }}, '元$') then 10000
                {%- if unit_expr is not none %}
                when {{ normalize_label(unit_expr) }} = '元' then 10000
                {%- endif %}
                else 1
            end
            as decimal(18, 6)
        )
end
{%- endmacro -%}
