{#-
    table_year(expr, lang): the year phrase of a finding's detail that still reads when the table
    printed no year. A bare `cast(year as varchar)` inside `||` made the whole detail null, and the
    NOT NULL contract of audit_findings then quarantined the document (a 自评表 whose year line was
    lost on a faded scan).
    zh: ' 2024 年' (spaced as the detail prints it) or '年度未印的'; en: 'for 2024' or 'with no year printed'.
-#}
{%- macro table_year(expr, lang) -%}
{%- if lang == 'zh' -%}
coalesce(' ' || cast({{ expr }} as varchar) || ' 年', '年度未印的')
{%- else -%}
coalesce('for ' || cast({{ expr }} as varchar), 'with no year printed')
{%- endif -%}
{%- endmacro -%}
