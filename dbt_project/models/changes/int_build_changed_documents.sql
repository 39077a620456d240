{#-
    The documents this build must rebuild: every document whose landed state (hash, landed_at,
    status, source_file) differs from the last successful build's (build_state_documents), and
    every document that build had and the warehouse no longer holds; and every 绩效目标表
    document whose department a spelling now names otherwise than the last build did
    (int_department_spellings: a text-layer copy arrived, and the scan's slipped spelling now
    takes its department's key, so its project_id moves). All documents on a first or
    full-refresh build.
-#}
{%- set built = previous_build('build_state_documents') -%}
{%- set planned = previous_build('int_projects_pivoted') -%}

-- depends_on: {{ ref('int_department_spellings') }}
-- (read only when the last build left an int_projects_pivoted to compare with)

with

documents as (

    select
        document_sha256,
        landed_at,
        status,
        source_file

    from {{ ref('stg_raw__documents') }}

),

{% if built is not none %}

    built as (

        select
            document_sha256,
            landed_at,
            status,
            source_file

        from {{ built }}

    ),

    changed as (

        select document_sha256 from (
            select * from documents
            except
            select * from built
        ) as landed

        union

        select document_sha256 from (
            select * from built
            except
            select * from documents
        ) as left_behind

        {%- if planned is not none %}

            union

            select planned.document_sha256
            from {{ planned }} as planned
            inner join {{ ref('int_department_spellings') }} as spellings
                on
                    coalesce({{ normalize_label('planned.department_code') }}, '') = spellings.department_code_key
                    and planned.year is not distinct from spellings.year
                    and {{ normalize_label('planned.department_name') }} = spellings.department_name_key
            where planned.department_key is distinct from spellings.department_key
        {%- endif %}

    )

{% else %}

    changed as (

        select document_sha256 from documents

    )

{% endif %}

select distinct document_sha256 from changed
