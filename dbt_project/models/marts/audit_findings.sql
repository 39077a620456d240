with

funds_findings as (

    select * from {{ ref('int_findings_funds') }} {{ affected_projects_only() }}

),

completeness_findings as (

    select * from {{ ref('int_findings_completeness') }} {{ affected_projects_only() }}

),

target_findings as (

    select * from {{ ref('int_findings_targets') }} {{ affected_projects_only() }}

),

source_findings as (

    select * from {{ ref('int_findings_sources') }} {{ affected_projects_only() }}

),

self_eval_indicator_findings as (

    select * from {{ ref('int_findings_self_eval_indicators') }} {{ affected_projects_only() }}

),

self_eval_project_findings as (

    select * from {{ ref('int_findings_self_eval_projects') }} {{ affected_projects_only() }}

),

self_eval_source_findings as (

    select * from {{ ref('int_findings_self_eval_sources') }} {{ affected_projects_only() }}

),

target_table_findings as (

    select * from funds_findings

    union all

    select * from completeness_findings

    union all

    select * from target_findings

    union all

    select * from source_findings

),

unioned as (

    -- by name: the self-evaluation families also name the self-evaluated indicator
    select * from target_table_findings

    union all by name

    select * from self_eval_indicator_findings

    union all by name

    select * from self_eval_project_findings

    union all by name

    select * from self_eval_source_findings

),

final as (

    select
        left(
            md5(
                concat_ws(
                    '|',
                    rule,
                    project_id,
                    coalesce(cast(year as varchar), ''),
                    coalesce(indicator_id, ''),
                    finding_key,
                    -- null (and so skipped) outside the self-evaluation rules: earlier ids stay
                    indicator_result_id
                )
            ),
            16
        ) as finding_id,
        project_id,
        year,
        rule,
        severity,
        detail,
        source_file,
        page,
        indicator_id,
        indicator_result_id

    from unioned

)

select * from final {{ affected_projects_only() }}
