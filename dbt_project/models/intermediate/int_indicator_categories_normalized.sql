with

indicators as (

    select * from {{ ref('int_indicators_pivoted') }} {{ changed_documents_only() }}

),

labels as (

    -- each printed pair of level labels once: a warehouse prints a few dozen, on every indicator,
    -- and normalize_label's translate() costs ~0.3 ms a call
    select distinct
        level1_printed,
        level2_printed

    from indicators

),

labels_normalized as (

    select
        level1_printed,
        level2_printed,
        coalesce({{ normalize_label('level1_printed') }}, '') as level1_key,
        coalesce({{ normalize_label('level2_printed') }}, '') as level2_key

    from labels

),

normalized as (

    select
        indicators.*,
        labels_normalized.level1_key,
        labels_normalized.level2_key

    from indicators

    inner join labels_normalized
        on
            indicators.level1_printed is not distinct from labels_normalized.level1_printed
            and indicators.level2_printed is not distinct from labels_normalized.level2_printed

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
        name_confidence,
        extractor

    from categorized

)

select * from final
