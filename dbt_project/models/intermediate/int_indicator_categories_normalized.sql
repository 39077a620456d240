with

indicators as (

    select * from {{ ref('int_indicators_pivoted') }}

    {{ changed_documents_only() }}

),

normalized as (

    select
        *,
        coalesce({{ normalize_label('level1_printed') }}, '') as level1_key,
        coalesce({{ normalize_label('level2_printed') }}, '') as level2_key

    from indicators

),

stemmed as (

    select
        *,
        -- drop the parenthetical note: '数量指标(必填硬性指标)' -> '数量指标'
        regexp_replace(level2_key, '[(\[【].*$', '') as level2_stem

    from normalized

),

categorized as (

    -- the canonical 一级 / 二级 from the seed indicator_categories (macros/indicator_levels.sql)
    select
        *,
        {{ indicator_level1('level1_key') }} as level1,
        {{ indicator_level2('level2_stem') }} as level2,
        contains(level2_key, '必填') as is_mandatory,
        contains(level2_key, '硬性') as is_hard

    from stemmed

),

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
        page,
        target_x0,
        target_y0,
        target_x1,
        target_y1,
        min_confidence,
        extractor

    from categorized

)

select * from final
