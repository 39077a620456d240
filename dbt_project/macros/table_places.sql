{#-
    table_places(relation, row_id): each indicator row's place in its project's table of the year
    (1, 2, …, by indicator_seq) and the table's length, for pairing a self-evaluated row with the
    plan row at the same place (int_self_eval_target_matches, unread_name_position).
-#}
{%- macro table_places(relation, row_id) -%}
    select
        {{ row_id }},
        project_id,
        year,
        row_number() over (partition by project_id, year order by indicator_seq) as table_position,
        count(*) over (partition by project_id, year) as table_rows

    from {{ relation }}
{%- endmacro -%}
