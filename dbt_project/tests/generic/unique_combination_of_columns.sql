{#-
    Fails with one row per combination of `combination_of_columns` that occurs more than once:
    the model's grain. Nulls count as a value (two rows with a null year and the same
    project_id are duplicates).
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as n_rows

    from {{ model }}

    group by
        {{ combination_of_columns | join(',\n        ') }}

    having count(*) > 1

)

select * from grouped

{% endtest %}
