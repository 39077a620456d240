{#-
    The self-evaluation's 年度指标值 (target) and 实际完成值 (actual) read by the same parser as the
    绩效目标表's 指标值 (macro parse_target_ctes), and whether the actual meets the target
    (macro target_met: null when either side is qualitative or the units differ).
-#}

with

indicators as (

    select * from {{ ref('int_self_eval_indicators_pivoted') }} {{ changed_documents_only() }}

),

{{ parse_target_ctes('indicators', 'target_raw', 'level2', 'target') }},

{{ parse_target_ctes('target_interpreted', 'actual_raw', 'level2', 'actual') }},

final as (

    select
        document_sha256,
        project_seq,
        indicator_seq,
        source_file,
        level1,
        level1_printed,
        level2,
        level2_printed,
        indicator_name,
        indicator_name_key,
        target_raw,
        target_text,
        target_kind,
        target_comparator,
        target_value,
        target_unit,
        target_date,
        actual_raw,
        actual_kind,
        actual_value,
        actual_unit,
        actual_date,
        weight_printed,
        score_printed,
        weight,
        score,
        deviation_reason,
        target_nature,
        measure_unit,
        {{ target_met('target', 'actual', 'level2') }} as is_achieved,
        page,
        min_confidence

    from actual_interpreted

)

select * from final
