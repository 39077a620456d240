{#-
    Incremental builds by document hash: a night's build costs what changed, not what the
    warehouse holds.

    * int_build_changed_documents: the documents whose landed state (hash, landed_at, status,
      source_file) differs from the state of the last successful build (build_state_documents,
      written by record_build_state at the end of a build in which nothing failed).
    * Document-level models (rows made from one document's rows only) are built for the changed
      documents alone: their inputs are narrowed with changed_documents_only(), and the strategy
      below replaces the changed documents' rows.
    * Project-level models (rows that combine several documents: a source chosen among documents,
      findings across documents) are rebuilt for the affected projects only
      (int_build_affected_projects): their rows are replaced by project_id, computed from the full
      inputs narrowed by affected_projects_only() where the model reads one project's rows only.
    A first build, `dbt build --full-refresh`, or a build after the dbt project changed
    (flows/marts.py passes --full-refresh then) builds every table from scratch.
-#}

{#- The incremental strategy `replace_affected`: delete the target's rows whose unique_key is
    among the affected keys (int_build_changed_documents for document_sha256,
    int_build_affected_projects for project_id) or among the rebuilt rows, then insert the rebuilt rows. A deleted document's rows (or a project that lost
    its last source) are deleted and nothing is inserted for them. -#}
{%- macro get_incremental_replace_affected_sql(arg_dict) -%}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set temp_relation = arg_dict['temp_relation'] -%}
    {%- set key = arg_dict['unique_key'] -%}
    {%- set affected = {'document_sha256': 'int_build_changed_documents', 'project_id': 'int_build_affected_projects'}[key] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ target_relation }}
    where
        {{ key }} in (select {{ key }} from {{ temp_relation }})
        or {{ key }} in (select {{ key }} from {{ target_relation.schema }}.{{ affected }});

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }} from {{ temp_relation }}
{%- endmacro -%}

{#- `where <column> in (the changed documents)` on an incremental build; nothing on a full one.
    The ref is taken on every parse so dbt orders the model after the change set. -#}
{%- macro changed_documents_only(column='document_sha256', keyword='where') -%}
    {%- set changed = build_ref('int_build_changed_documents') -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ column }} in (select document_sha256 from {{ changed }})
    {%- endif -%}
{%- endmacro -%}

{#- `where <column> in (the affected projects)` on an incremental build; nothing on a full one. -#}
{%- macro affected_projects_only(column='project_id', keyword='where') -%}
    {%- set affected = build_ref('int_build_affected_projects') -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ column }} in (select project_id from {{ affected }})
    {%- endif -%}
{%- endmacro -%}

{#- ref() of the build's bookkeeping, taken on every parse so dbt orders the model after it; none
    in a dbt unit test, which mocks only the model's own inputs (it tests the full build's SQL). -#}
{%- macro build_ref(name) -%}
    {%- if model is mapping and model.get('resource_type') == 'unit_test' -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(ref(name)) }}
{%- endmacro -%}

{#- A table this build reads as it was before the build (the last build's rows), or none. -#}
{%- macro previous_build(identifier) -%}
    {%- if not execute or flags.FULL_REFRESH -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(adapter.get_relation(database=target.database, schema=target.schema, identifier=identifier)) }}
{%- endmacro -%}

{#- on-run-end: after a build in which nothing failed, remember which documents it was built from
    (build_state_documents) and the project keys their tables had (build_state_projects: what
    int_build_changes reads as "before"), so the next build knows what changed and which projects
    it touches. A build that failed (a quarantine round, a model error) records nothing: the next
    one rebuilds the same changes from the same "before", however many of the failed build's
    tables were already replaced (a failing test skips only the models below it). -#}
{%- macro record_build_state(results) -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- set failed = results | selectattr('status', 'in', ['error', 'fail', 'runtime error', 'skipped']) | list -%}
        {%- if not failed -%}
            create or replace table {{ target.schema }}.build_state_documents as
            select document_sha256, landed_at, status, source_file
            from {{ source('raw', 'documents') }};
            create or replace table {{ target.schema }}.build_state_projects as
            select document_sha256, project_id, project_name_key, department_code, year, 'target_table' as origin
            from {{ target.schema }}.int_projects_pivoted
            union all
            select document_sha256, project_id, project_name_key, department_code, year, 'self_evaluation' as origin
            from {{ target.schema }}.int_self_eval_projects_pivoted
        {%- else -%}
            select 1
        {%- endif -%}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro -%}

{#- Data tests check what this build changed. dbt wraps the relation a generic data test reads in
    get_where_subquery (its `where` config); here it is also narrowed, in an incremental `dbt build`:
      * a project-level incremental model to the projects this build recomputed
        (int_build_affected_projects): every row of those projects is tested again;
      * any other relation with a document_sha256 column (raw tables, staging, document-level
        models, dim_document) to the rows of documents that changed since the last successful build:
        the other documents' rows are the rows that build tested and passed.
    What a test catches is unchanged because a row a test can fail on is a changed row: unique keys
    of those relations include the document hash, or for project-level models an id derived from
    project_id. Singular tests (dbt_project/tests) read whole tables, as before. A full refresh, a
    first build and `dbt test` test everything. -#}
{%- macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set changed = tested_changes_only(relation) -%}
    {%- set conditions = [] -%}
    {%- for condition in [where, changed] if condition -%}
        {%- do conditions.append('(' ~ condition ~ ')') -%}
    {%- endfor -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro -%}

{%- macro tested_changes_only(relation) -%}
    {%- if not execute or flags.WHICH != 'build' or relation.identifier is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- set built = previous_build('build_state_documents') -%}
    {%- if built is none -%}
        {%- do return('') -%}
    {%- endif -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == relation.identifier
        and node.config.materialized == 'incremental' and node.config.unique_key == 'project_id' -%}
        {%- do return('project_id in (select project_id from ' ~ target.schema ~ '.int_build_affected_projects)') -%}
    {%- endfor -%}
    {%- set columns = adapter.get_columns_in_relation(relation) | map(attribute='name') | list -%}
    {%- if 'document_sha256' in columns -%}
        {%- do return(
            'document_sha256 is null or document_sha256 not in ('
            ~ 'select document_sha256 from ' ~ built ~ ' as built'
            ~ ' inner join raw.documents as landed'
            ~ ' using (document_sha256, landed_at, status, source_file))'
        ) -%}
    {%- endif -%}
    {%- do return('') -%}
{%- endmacro -%}

{#- The keys by which a project's rows are matched across documents, for the change set
    (int_build_changes) and the affected projects (int_build_affected_projects): one projection
    of a projects table (int_projects_pivoted or int_self_eval_projects_pivoted), with `origin`
    (a string literal) when the rows are told apart by where they came from.
    The department code is normalised once per distinct printed code (a lookup keyed by the
    text), not once per project: the affected projects are looked up among every project of the
    warehouse each night, and normalize_label costs ~0.3 ms a call (10 s at 50,000 projects). -#}
{%- macro project_match_keys(relation, origin=none) -%}
    select
        projects.document_sha256,
        projects.project_id,
        projects.project_name_key,
        codes.department_code_key,
        projects.year
        {%- if origin is not none %},
        '{{ origin }}' as origin
        {%- endif %}

    from {{ relation }} as projects

    left join (
        select
            department_code,
            nullif({{ normalize_label('department_code') }}, '') as department_code_key
        from (select distinct department_code from {{ relation }}) as printed
    ) as codes
        on projects.department_code = codes.department_code
{%- endmacro -%}
