{#-
    parse_amount_wan(expr, unit_expr=none): a printed amount -> 万元 as decimal(18, 6), null when
    blank, unreadable or printed as digits apart (digits_apart: `100 95.77` is two numbers, never
    10095.77). Accepts full-width digits and thousands separators (commas or spaced groups of
    three: `1 487 960`). The unit is the amount's own trailing word when printed (万元 / 万 / 元),
    else `unit_expr` (the funds unit the form prints in its heading, e.g. 项目资金（元）), else 万元;
    an amount in 元 is divided by 10000, so '1,487,960元' is 148.796 万元. The units and their
    divisors are the form description's (AMOUNT_UNIT_DIVISORS in flows/forms/spec.py, through the
    generated macros amount_unit_pattern and amount_unit_divisor).
-#}
{%- macro parse_amount_wan(expr, unit_expr=none) -%}
case
    when not coalesce({{ digits_apart(expr) }}, false)
        then cast(
            try_cast(
                nullif(
                    replace(
                        regexp_replace({{ normalize_label(expr) }}, '{{ amount_unit_pattern() }}$', ''),
                        ',',
                        ''
                    ),
                    ''
                ) as decimal(18, 6)
            )
            / coalesce(
                {{ amount_unit_divisor(normalize_label(expr)) }},
                {%- if unit_expr is not none %}
                {{ amount_unit_divisor(normalize_label(unit_expr)) }},
                {%- endif %}
                1
            )
            as decimal(18, 6)
        )
end
{%- endmacro -%}
