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
                    project_id,
                    coalesce(cast(year as varchar), ''),
                    coalesce(level1, ''),
                    coalesce(level2, ''),
                    name_keys.indicator_name_key,
                    cast(indicator_seq as varchar)
                )
            ),
            16
        ) as indicator_id,
        project_id,
        year,
        document_sha256,
        project_seq,
        indicator_seq,
        level1,
        level2,
        level2_printed,
        indicator_name,
        target_raw,
        target_kind,
        comparator,
        target_value,
        target_unit,
        target_date,
        target_nature,
        measure_unit,
        standard,
        scoring_standard,
        weight,
        is_mandatory,
        is_hard,
        source_file,
        page,
        min_confidence as ocr_confidence

    from joined

    left join name_keys
        on joined.indicator_name is not distinct from name_keys.printed_name

)

select * from final {{ affected_projects_only() }}
