{#-
    All of a model's column checks as one data test: one query, one dbt node.

    dbt spends ~0.1-0.2 s of Python per test node while each narrowed query takes milliseconds,
    so a night's build paid for 212 nodes what ~40 queries do. The checks are the ones dbt ships
    (not_null, unique, accepted_values, relationships) and this project's
    unique_combination_of_columns, each rendered by its own macro, so a check means exactly what
    it meant as a test of its own; their failing rows are stacked with the check that found them:

        check_name  e.g. 'not_null' | 'accepted_values' | 'unique_combination_of_columns'
        checked     the column ('' for a combination of columns)

    Each check's SQL is also marked in the compiled test (`/* check <name> <column> */ …
    /* end check */`): when the test fails, flows/quarantine.py runs the marked checks one by one to
    say which fail and quarantines a document by the failing check's own query, naming it as a
    test of its own would have been named ('not_null on stg_raw__extracted_values.indicator_seq').

    Arguments (each optional, each a list), in the model's yml:
        not_null: [column, {column: c, where: "condition"}, …]
        unique: [column, …]
        accepted_values: [{column: c, values: [v, …]}, …]
        relationships: [{column: c, to: "ref('model')", field: f}, …]
        unique_combination_of_columns: [{columns: [c, …]}, …]
    A check with a `where` reads only the rows it holds, as dbt's `config: where` does. Checks of
    severity warn stay tests of their own (a grouped test fails or passes as one).
-#}
{% test checks(
    model,
    not_null=none,
    unique=none,
    accepted_values=none,
    relationships=none,
    unique_combination_of_columns=none
) %}

{%- set branches = [] -%}
{%- set dbt_test = {
    'not_null': adapter.dispatch('test_not_null', 'dbt'),
    'unique': adapter.dispatch('test_unique', 'dbt'),
    'accepted_values': adapter.dispatch('test_accepted_values', 'dbt'),
    'relationships': adapter.dispatch('test_relationships', 'dbt'),
} -%}

{%- for check, specs in [
    ('not_null', not_null), ('unique', unique), ('accepted_values', accepted_values),
    ('relationships', relationships), ('unique_combination_of_columns', unique_combination_of_columns)
] -%}
    {%- for spec in specs or [] -%}
        {%- set spec = {'column': spec} if spec is string else spec -%}
        {%- set rows = checked_rows(model, spec.get('where')) -%}
        {%- if check == 'unique_combination_of_columns' -%}
            {%- set sql = test_unique_combination_of_columns(rows, spec['columns']) -%}
        {%- elif check == 'accepted_values' -%}
            {%- set sql = dbt_test[check](rows, spec['column'], spec['values']) -%}
        {%- elif check == 'relationships' -%}
            {%- set sql = dbt_test[check](rows, spec['column'], relation_named(spec['to']), spec['field']) -%}
        {%- else -%}
            {%- set sql = dbt_test[check](rows, spec['column']) -%}
        {%- endif -%}
        {%- do branches.append([check, spec.get('column', ''), sql]) -%}
    {%- endfor -%}
{%- endfor -%}

{%- for check, column, sql in branches %}
{{ 'union all' if not loop.first }}
select
    '{{ check }}' as check_name,
    '{{ column }}' as checked
from (
/* check {{ check }} {{ column }} */
{{ sql }}
/* end check */
) as failing
{%- endfor %}

{% endtest %}


{#- The rows a check reads: the (already narrowed) model, or its rows where `where` holds. -#}
{%- macro checked_rows(model, where) -%}
    {%- if where -%}
        {{ return('(select * from ' ~ model ~ ' where ' ~ where ~ ') as checked_rows') }}
    {%- endif -%}
    {{ return(model) }}
{%- endmacro -%}


{#- The relation a relationships check's `to` names: dbt renders `ref('…')` in a test's
    arguments itself; text that is still text here is read as ref('…') or source('…', '…'). -#}
{%- macro relation_named(text) -%}
    {%- if text is not string -%}
        {{ return(text) }}
    {%- endif -%}
    {%- set found = modules.re.match("^\s*ref\(\s*'([^']+)'\s*\)\s*$", text) -%}
    {%- if found -%}
        {{ return(ref(found.group(1))) }}
    {%- endif -%}
    {%- set found = modules.re.match("^\s*source\(\s*'([^']+)'\s*,\s*'([^']+)'\s*\)\s*$", text) -%}
    {%- if found -%}
        {{ return(source(found.group(1), found.group(2))) }}
    {%- endif -%}
    {{ exceptions.raise_compiler_error("checks: relationships `to` must be ref('…') or source('…', '…'), not " ~ text) }}
{%- endmacro -%}
