{#-
    Parses the printed 指标值 (target_raw) into comparator / target_value / target_unit / target_date
    with the shared parser macro parse_target_ctes (macros/parse_target.sql: the patterns and the
    normalisation are documented there); the self-evaluation models read 年度指标值 and 实际完成值
    with the same macro.
-#}

with

indicators as (

    select * from {{ ref('int_indicator_categories_normalized') }} {{ changed_documents_only() }}

),

{{ parse_target_ctes('indicators', 'target_raw', 'level2', 'target') }},

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
        is_mandatory,
        is_hard,
        indicator_name,
        target_raw,
        target_nature,
        measure_unit,
        standard,
        scoring_standard,
        weight,
        target_kind,
        target_comparator as comparator,
        target_value,
        target_unit,
        target_date,
        page,
        target_x0,
        target_y0,
        target_x1,
        target_y1,
        min_confidence,
        extractor

    from target_interpreted

)

select * from final
