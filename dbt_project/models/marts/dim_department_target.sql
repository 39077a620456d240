with

extracted_values as (

    select * from {{ ref('stg_raw__extracted_values') }}

    where form = 'department_target'

),

fields as (

    select
        document_sha256,
        project_seq,
        max(source_file) as source_file,
        {{
          printed_values([
              'year', 'department_name', 'department_code', 'main_tasks', 'overall_goal'
          ])
        }},
        min(page) as page

    from extracted_values

    where record_type = 'field'

    group by
        document_sha256,
        project_seq

),

indicator_counts as (

    select
        document_sha256,
        project_seq,
        count(distinct indicator_seq) as n_indicators

    from extracted_values

    where record_type = 'indicator'

    group by
        document_sha256,
        project_seq

),

final as (

    select
        left(
            md5(
                coalesce({{ normalize_label('fields.department_code_printed') }}, '')
                || '|'
                || coalesce({{ normalize_label('fields.department_name_printed') }}, '')
            ),
            16
        ) as department_id,
        try_cast(
            nullif(regexp_extract({{ normalize_label('fields.year_printed') }}, '[0-9]{4}'), '')
            as integer
        ) as year,
        nullif(trim(fields.department_name_printed), '') as department_name,
        nullif(trim(fields.department_code_printed), '') as department_code,
        nullif(trim(fields.main_tasks_printed), '') as main_tasks,
        nullif(trim(fields.overall_goal_printed), '') as overall_goal,
        coalesce(indicator_counts.n_indicators, 0) as n_indicators,
        fields.document_sha256,
        fields.source_file,
        fields.page

    from fields

    left join indicator_counts
        on
            fields.document_sha256 = indicator_counts.document_sha256
            and fields.project_seq = indicator_counts.project_seq

)

select * from final
