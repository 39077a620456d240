with

indicators as (

    select * from {{ ref('int_indicators_pivoted') }}

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

    select
        *,
        case
            when contains(level1_key, '产出') then '产出指标'
            when contains(level1_key, '效益') then '效益指标'
            when contains(level1_key, '满意') then '满意度指标'
        end as level1,
        case
            -- satisfaction first: '社会公众或服务对象满意度指标' also contains 社会
            when contains(level2_stem, '满意') then '服务对象满意度指标'
            when contains(level2_stem, '经济效益') then '经济效益指标'
            when contains(level2_stem, '社会效益') then '社会效益指标'
            when contains(level2_stem, '生态效益') then '生态效益指标'
            when contains(level2_stem, '可持续') then '可持续影响指标'
            when contains(level2_stem, '数量') then '数量指标'
            when contains(level2_stem, '质量') then '质量指标'
            when contains(level2_stem, '时效') then '时效指标'
            when contains(level2_stem, '成本') then '成本指标'
        end as level2,
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
