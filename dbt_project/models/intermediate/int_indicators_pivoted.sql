with

extracted_values as (

    select * from {{ ref('stg_raw__extracted_values') }} {{ changed_documents_only() }}

),

indicator_values as (

    select * from extracted_values

    where form = 'project_target' and record_type = 'indicator'

),

pivoted as (

    select
        document_sha256,
        project_seq,
        indicator_seq,
        max(source_file) as source_file,
        {{
          printed_values([
              'level1', 'level2', 'indicator_name', 'target', 'target_nature', 'measure_unit',
              'standard', 'scoring_standard', 'weight'
          ], aliases={
              'target': 'target_raw'
          })
        }},
        max(case when field_name = 'target' then page end) as target_page,
        max(case when field_name = 'target' then x0 end) as target_x0,
        max(case when field_name = 'target' then y0 end) as target_y0,
        max(case when field_name = 'target' then x1 end) as target_x1,
        max(case when field_name = 'target' then y1 end) as target_y1,
        max(case when field_name = 'target' then extractor end) as target_extractor,
        min(page) as first_page,
        min(confidence) as min_confidence,
        -- the 三级指标 name's own reading: what a self-evaluation's misread name is weighed against
        min(case when field_name = 'indicator_name' then confidence end) as name_confidence,
        min(extractor) as any_extractor

    from indicator_values

    group by
        document_sha256,
        project_seq,
        indicator_seq

),

final as (

    select
        document_sha256,
        project_seq,
        indicator_seq,
        source_file,
        level1_printed,
        level2_printed,
        nullif(trim(indicator_name_printed), '') as indicator_name,
        -- kept exactly as printed; blank cells stay ''
        target_raw,
        -- the grid's other columns, null when the form does not print them
        nullif(trim(target_nature_printed), '') as target_nature,
        nullif(trim(measure_unit_printed), '') as measure_unit,
        nullif(trim(standard_printed), '') as standard,
        nullif(trim(scoring_standard_printed), '') as scoring_standard,
        {{ parse_decimal('weight_printed') }} as weight,
        coalesce(target_page, first_page) as page,
        target_x0,
        target_y0,
        target_x1,
        target_y1,
        min_confidence,
        name_confidence,
        coalesce(target_extractor, any_extractor) as extractor

    from pivoted

)

select * from final
