{#-
    Audit rule sources_disagree (docs block rule_sources_disagree), severity medium, for the
    项目支出绩效自评表: when several self-evaluations carry the same (project_id, year) — a text PDF
    and a scan of it, or two departments' tables that resolved to one plan — the one chosen by
    int_self_eval_projects_deduplicated is compared with every other one, field by field (header,
    funds matrix, 总分; compare_source_fields). Without it a self-evaluation that was not chosen
    left the marts without a trace.
-#}

with

candidates as (

    select * from {{ ref('int_self_eval_projects_pivoted') }} {{ affected_projects_only() }}

),

chosen as (

    select * from {{ ref('int_self_eval_projects_deduplicated') }} {{ affected_projects_only() }}

),

source_pairs as (

    -- the chosen self-evaluation against each other one of the same project and year
    select
        chosen.project_id,
        chosen.year,
        chosen.document_sha256 as chosen_sha256,
        chosen.project_seq as chosen_project_seq,
        chosen.source_file as chosen_file,
        candidates.document_sha256 as other_sha256,
        candidates.project_seq as other_project_seq,
        candidates.source_file as other_file

    from chosen

    inner join candidates
        on
            chosen.project_id = candidates.project_id
            and chosen.year is not distinct from candidates.year
            and not (
                chosen.document_sha256 = candidates.document_sha256
                and chosen.project_seq = candidates.project_seq
            )

),

compared_documents as (

    select chosen_sha256 as document_sha256 from source_pairs

    union

    select other_sha256 as document_sha256 from source_pairs

),

{{ compare_source_fields('project_self_eval', 'self_eval_field') }}

select * from field_findings
