with

projects as (

    select * from {{ ref('int_projects_pivoted') }}

),

ranked as (

    select
        *,
        count(*) over (partition by project_id, year) as n_candidate_sources,
        row_number() over (
            partition by project_id, year
            order by
                is_text_layer desc,
                min_confidence desc,
                source_file asc,
                document_sha256 asc,
                project_seq asc
        ) as source_rank

    from projects

),

final as (

    select
        project_id,
        year,
        document_sha256,
        project_seq,
        source_file,
        project_name,
        department_code,
        implementing_unit,
        project_attribute,
        project_period,
        overall_goal,
        total_funds_wan,
        fiscal_funds_wan,
        other_funds_wan,
        min_confidence,
        is_text_layer,
        extractors,
        n_candidate_sources

    from ranked

    where source_rank = 1

)

select * from final
