{#-
    format_number(expr): a number as a person writes it, for finding details.
    DECIMAL(18,6) 15.000000 -> '15', 148.796000 -> '148.796'; an integer stays as it is.
    Null stays null.
-#}
{%- macro format_number(expr) -%}
case
    when contains(cast({{ expr }} as varchar), '.')
        then rtrim(rtrim(cast({{ expr }} as varchar), '0'), '.')
    else cast({{ expr }} as varchar)
end
{%- endmacro -%}
