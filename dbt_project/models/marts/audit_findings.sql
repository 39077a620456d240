with

funds_findings as (

    select * from {{ ref('int_findings_funds') }}

),

completeness_findings as (

    select * from {{ ref('int_findings_completeness') }}

),

target_findings as (

    select * from {{ ref('int_findings_targets') }}

),

source_findings as (

    select * from {{ ref('int_findings_sources') }}

),

unioned as (

    select * from funds_findings

    union all

    select * from completeness_findings

    union all

    select * from target_findings

    union all

    select * from source_findings

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
                    finding_key
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
        indicator_id

    from unioned

)

select * from final
