{#-
    each_others_only(candidates): the (indicator_result_id, plan_indicator_id) pairs of the
    relation `candidates` whose two sides have no other candidate in it. A self-evaluated row
    and a plan row that could each be another's are no evidence of one indicator: an ambiguous
    pair matches neither (int_self_eval_target_matches' name_slip and unread_name_position).
-#}
{%- macro each_others_only(candidates) -%}
    select
        indicator_result_id,
        plan_indicator_id

    from {{ candidates }}

    qualify
        count(*) over (partition by indicator_result_id) = 1
        and count(*) over (partition by plan_indicator_id) = 1
{%- endmacro -%}
