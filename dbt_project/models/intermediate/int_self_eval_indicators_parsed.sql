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

achieved as (

    select
        *,
        {{ target_met('target', 'actual', 'level2') }} as is_achieved

    from actual_interpreted

),

final as (

    select {{ self_eval_indicator_columns() }}

    from achieved

)

select * from final
