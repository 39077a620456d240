{#-
    What the changed documents carried before this build and carry now, as the keys rows of
    several documents are combined by: their normalised project names (a 自评表 finds its project
    among the 绩效目标表 of the same name), and the project ids, department codes and years the last
    successful build gave their tables and the self-evaluations of those names
    (build_state_projects, written by record_build_state), together with those the tables hold now
    (int_projects_pivoted / int_self_eval_projects_pivoted, read before this build replaces their
    rows): a failed build in between (a quarantine round) may have replaced some tables, so the
    recorded keys keep the ids a moved self-evaluation had, and the live ones the ids a
    quarantined document's rows were given by the build that failed.
    origin: landed (a name as landed now) | target_table | self_evaluation (the last build's rows).
    No landed names on a first or full build (no build_state_documents to compare with): every
    present document has changed then, so each of their projects is affected by its document
    alone (int_build_affected_projects), and normalising every landed project name only to
    find projects already affected cost ~40 s at 10,000 documents. The last build's rows
    (target_table, self_evaluation) are kept: a document quarantined in such a build still
    names the projects its old rows made.
-#}
{%- set built = previous_build('build_state_documents') -%}
{#- "before": what the last successful build recorded, and what the tables hold now (a failed
    build in between may have written a changed document's new ids there already) -#}
{%- set before = [] -%}
{%- set recorded = previous_build('build_state_projects') -%}
{%- set tables = {'target_table': 'int_projects_pivoted', 'self_evaluation': 'int_self_eval_projects_pivoted'} -%}
{%- for origin, table in tables.items() -%}
    {%- set live = previous_build(table) -%}
    {%- if recorded is not none -%}
        {%- do before.append((origin, "(select * from " ~ recorded ~ " where origin = '" ~ origin ~ "')")) -%}
    {%- endif -%}
    {%- if live is not none -%}
        {%- do before.append((origin, live)) -%}
    {%- endif -%}
{%- endfor -%}

-- noqa: disable=RF02
-- (membership tests `x in (select x from …)` read unqualified on purpose)
with

changed as (

    select document_sha256 from {{ ref('int_build_changed_documents') }}

),

landed as (

    select
        document_sha256,
        cast(null as varchar) as project_id,
        nullif({{ normalize_label('printed_value') }}, '') as project_name_key,
        cast(null as varchar) as department_code_key,
        cast(null as integer) as year,
        'landed' as origin

    from {{ ref('stg_raw__extracted_values') }}

    where
        record_type = 'field'
        and field_name = 'project_name'
        and document_sha256 in (select document_sha256 from changed)
        -- none on a first or full build (see above)
        and {{ 'true' if built is not none else 'false' }}

),

old_targets as (

    {% for origin, relation in before if origin == 'target_table' %}
        {{ project_match_keys(relation, origin) }}
        where document_sha256 in (select document_sha256 from changed)
        union
    {% endfor %}
    select * from landed
    where false

),

old_self_evals as (

    {% for origin, relation in before if origin == 'self_evaluation' %}
        {{ project_match_keys(relation, origin) }}
        union
    {% endfor %}
    select * from landed
    where false

),

names as (

    select project_name_key from landed

    union

    select project_name_key from old_targets

    union

    select project_name_key
    from old_self_evals
    where document_sha256 in (select document_sha256 from changed)

),

final as (

    select * from landed

    union all

    select * from old_targets

    union all

    -- the changed self-evaluations, and every other one of those names: its project may move
    select * from old_self_evals
    where
        document_sha256 in (select document_sha256 from changed)
        or project_name_key in (
            select project_name_key from names
            where project_name_key is not null
        )

)

select * from final  -- noqa: AM04
