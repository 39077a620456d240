{#-
    Audit rule sources_disagree (docs block rule_sources_disagree), severity medium, for the
    项目支出绩效自评表: when several self-evaluations carry the same (project_id, year) — a text PDF
    and a scan of it, or two printings of one department's table (a plan two departments would
    take by budget alone goes to neither: int_self_eval_projects_pivoted) — the one chosen by
    int_self_eval_projects_deduplicated is compared with every other one, field by field (header,
    funds matrix, 总分: macros/source_comparison.sql). Without it a self-evaluation that was not chosen
    left the marts without a trace.
-#}

with

candidates as (

    select * from {{ ref('int_self_eval_projects_pivoted') }} {{ affected_projects_only() }}

),

chosen as (

    select * from {{ ref('int_self_eval_projects_deduplicated') }} {{ affected_projects_only() }}

),

{{ source_pairs() }},

{{ compare_source_fields('project_self_eval', 'self_eval_field') }}

select * from field_findings
