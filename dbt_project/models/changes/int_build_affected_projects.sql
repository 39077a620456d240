{#-
    The projects whose rows this build recomputes in every project-level model (sources chosen
    among documents, indicators, self-evaluation matches, findings, marts): a superset of the
    projects a full rebuild would change.
      * every project id the changed documents carried before this build or carry now;
      * every project of a normalised name they carried (a 自评表 resolves its project id among the
        绩效目标表 of that name, so a new 绩效目标表 can move a self-evaluation to another project);
      * every project planned by a department (code, year) whose self-evaluations are among
        those projects (rule targets_without_self_evaluation looks at the department's year).
    Empty when nothing changed.
-#}

-- noqa: disable=RF02
-- (membership tests `x in (select x from …)` read unqualified on purpose)
with

changed as (

    select document_sha256 from {{ ref('int_build_changed_documents') }}

),

changes as (

    select * from {{ ref('int_build_changes') }}

),

targets as (

    {{ project_match_keys(ref('int_projects_pivoted')) }}

),

self_evals as (

    {{ project_match_keys(ref('int_self_eval_projects_pivoted')) }}

),

names as (

    select distinct project_name_key from changes
    where project_name_key is not null

),

by_document_or_name as (

    select project_id from changes
    where project_id is not null

    union

    select project_id
    from targets
    where
        document_sha256 in (select document_sha256 from changed)
        or project_name_key in (select project_name_key from names)

    union

    select project_id
    from self_evals
    where
        document_sha256 in (select document_sha256 from changed)
        or project_name_key in (select project_name_key from names)

),

evaluated_departments as (

    -- the departments and years of every self-evaluation of those projects, before and now
    select
        department_code_key,
        year
    from self_evals
    where project_id in (select project_id from by_document_or_name)

    union

    select
        department_code_key,
        year
    from changes
    where origin = 'self_evaluation'

),

planned as (

    select targets.project_id
    from targets
    inner join evaluated_departments
        on
            targets.department_code_key = evaluated_departments.department_code_key
            and targets.year = evaluated_departments.year

)

select project_id from by_document_or_name

union

select project_id from planned
