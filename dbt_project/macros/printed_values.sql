{#-
    The long-format landing rows (one per printed value) pivoted to one column per field, inside a
    grouped select: `max(case when field_name = 'year' then printed_value end) as year_printed`
    for each field named. A column is `<field>_printed` unless `aliases` names it otherwise.
-#}
{% macro printed_values(field_names, aliases={}) -%}
    {%- for name in field_names %}
        max(case when field_name = '{{ name }}' then printed_value end) as {{ aliases.get(name, name ~ '_printed') }}
        {%- if not loop.last %},{% endif %}
    {%- endfor %}
{%- endmacro %}
