{#-
    The documents this build must rebuild: every document whose landed state (hash, landed_at,
    status, source_file) differs from the last successful build's (build_state_documents), and
    every document that build had and the warehouse no longer holds. All documents on a first or
    full-refresh build.
-#}
{%- set built = previous_build('build_state_documents') -%}

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

    )

{% else %}

    changed as (

        select document_sha256 from documents

    )

{% endif %}

select distinct document_sha256 from changed
