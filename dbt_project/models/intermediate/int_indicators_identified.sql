with

projects as (

    select * from {{ ref('int_projects_deduplicated') }} {{ affected_projects_only() }}

),

indicators as (

    select * from {{ ref('int_indicator_targets_parsed') }}

),

joined as (

    -- only the indicators of the source document chosen for each (project_id, year)
    select
        projects.project_id,
        projects.year,
        indicators.*

    from indicators

    inner join projects
        on
            indicators.document_sha256 = projects.document_sha256
            and indicators.project_seq = projects.project_seq

),

name_keys as (

    -- each distinct printed name normalised once (names repeat across departments' tables)
    select
        indicator_name as printed_name,
        coalesce({{ normalize_label('indicator_name') }}, '') as indicator_name_key

    from (select distinct indicator_name from joined) as printed

),

final as (

    select
        left(
            md5(
                concat_ws(
                    '|',
                    joined.project_id,
                    coalesce(cast(joined.year as varchar), ''),
                    coalesce(joined.level1, ''),
                    coalesce(joined.level2, ''),
                    name_keys.indicator_name_key,
                    cast(joined.indicator_seq as varchar)
                )
            ),
            16
        ) as indicator_id,
        joined.project_id,
        joined.year,
        joined.document_sha256,
        joined.project_seq,
        joined.indicator_seq,
        joined.level1,
        joined.level2,
        joined.level2_printed,
        joined.indicator_name,
        joined.target_raw,
        joined.target_kind,
        joined.comparator,
        joined.target_value,
        joined.target_unit,
        joined.target_date,
        joined.target_nature,
        joined.measure_unit,
        joined.standard,
        joined.scoring_standard,
        joined.weight,
        joined.is_mandatory,
        joined.is_hard,
        joined.source_file,
        joined.page,
        joined.min_confidence as ocr_confidence,
        joined.name_confidence

    from joined

    left join name_keys
        on joined.indicator_name is not distinct from name_keys.printed_name

)

select * from final {{ affected_projects_only() }}
