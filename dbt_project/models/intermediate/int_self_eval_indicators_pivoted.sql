{#-
    One row per indicator of every self-evaluation table, its printed values side by side, the
    一级 / 二级 labels mapped to the canonical categories the 绩效目标表 uses (macros
    indicator_level1 / indicator_level2). Values stay as printed; parsing is downstream.
    target is the 年度指标值 and actual the 实际完成值, each already composed by the reader when a
    table splits them over 指标性质 / 度量单位 columns.
-#}

with

extracted_values as (

    select * from {{ ref('stg_raw__extracted_values') }} {{ changed_documents_only() }}

),

indicator_values as (

    select * from extracted_values

    where form = 'project_self_eval' and record_type = 'indicator'

),

pivoted as (

    select
        document_sha256,
        project_seq,
        indicator_seq,
        max(source_file) as source_file,
        {{
          printed_values([
              'level1', 'level2', 'indicator_name', 'target', 'actual', 'weight', 'score',
              'deviation_reason', 'target_nature', 'measure_unit'
          ], aliases={
              'target': 'target_raw',
              'actual': 'actual_raw',
              'target_nature': 'target_nature',
              'measure_unit': 'measure_unit'
          })
        }},
        max(case when field_name = 'actual' then page end) as actual_page,
        min(page) as first_page,
        min(confidence) as min_confidence,
        -- the year-end target's own reading (its cell, and the 指标性质 / 度量单位 cells it was
        -- composed from): what a comparison with the plan rests on
        min(
            case when field_name in ('target', 'target_nature', 'measure_unit') then confidence end
        ) as target_confidence,
        -- the 三级指标 name's own reading: weighed against the plan's when the two are a slip apart
        min(case when field_name = 'indicator_name' then confidence end) as name_confidence,
        -- read from a text layer, not by OCR: an OCR misreading is no evidence of a change
        bool_and(is_text_layer) as is_text_layer

    from indicator_values

    group by
        document_sha256,
        project_seq,
        indicator_seq

),

normalized as (

    select
        *,
        coalesce({{ normalize_label('level1_printed') }}, '') as level1_key,
        -- the parenthetical note dropped: '数量指标(必填硬性指标)' -> '数量指标'
        regexp_replace(coalesce({{ normalize_label('level2_printed') }}, ''), '[(\[【].*$', '') as level2_stem

    from pivoted

),

final as (

    select
        document_sha256,
        project_seq,
        indicator_seq,
        source_file,
        {{ indicator_level1('level1_key') }} as level1,
        level1_printed,
        {{ indicator_level2('level2_stem') }} as level2,
        level2_printed,
        nullif(trim(indicator_name_printed), '') as indicator_name,
        nullif({{ normalize_label('indicator_name_printed') }}, '') as indicator_name_key,
        -- kept exactly as printed; blank cells stay ''
        target_raw,
        actual_raw,
        weight_printed,
        score_printed,
        {{ parse_decimal('weight_printed') }} as weight,
        {{ parse_decimal('score_printed') }} as score,
        trim(deviation_reason_printed) as deviation_reason,
        target_nature,
        measure_unit,
        coalesce(actual_page, first_page) as page,
        min_confidence,
        target_confidence,
        name_confidence,
        is_text_layer

    from normalized

)

select * from final
