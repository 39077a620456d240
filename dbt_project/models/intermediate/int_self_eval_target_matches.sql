{#-
    Each self-evaluated indicator next to the planned indicator of the 绩效目标表 for the same
    (project_id, year), matched one-to-one:
      1. on the normalised 三级指标 name and the canonical 二级指标 ('name_level2');
      2. what is left, on the normalised name alone ('name': the 二级 was relabelled);
      3. what is still left, where one side was read by OCR, on a name one slip from the plan's
         (macro ocr_slip: the slips the form reader forgives a label) with the same 二级 (or
         either side's unknown), when each of the two is the other's only such candidate in the
         (project_id, year) ('name_slip': 合规宰 read for 合规率, 载植 for 栽植). The slip alone
         does not say one indicator: a project's indicators differ by a glyph (数量 / 质量,
         人数 / 户数), so two candidates on either side match neither. Two text layers print what
         was typed: a glyph apart, they are two indicators (a renamed one is a finding);
      4. what is still left, a self-evaluated row OCR read no name for (a seal's star over the
         name cell) but a full line of values (target, actual, weight, score), with the plan row
         printing the same target at the same place: the rows either side of the two are pairs
         of tiers 1 to 3 (or the two are their tables' first or last rows), when each is the
         other's only such candidate ('unread_name_position'): the row restates that planned
         indicator. Anything less (another target, a neighbour unpaired or paired elsewhere, two
         candidates) leaves its name blank and the row unpaired;
    a name printed twice is paired in printed order; an exact match is never undone by a slip
    (tier 3 sees only what tiers 1 and 2 left; tier 4 what tiers 1 to 3 left).
    indicator_name: the self-evaluation's name as read, except under name_slip when its name cell
    was read less confidently than the plan's (is_name_from_plan): the self-evaluation restates
    the planned name, so the surer reading of the two names the indicator ('司法救助资金预算金额',
    not '司法仁动资金预算金额' read at 0.78 against the plan's 0.99); indicator_name_read keeps the
    name as read and audit_findings says so (indicator_name_from_plan); under
    unread_name_position the plan's name too, there being no reading. A text-layer
    self-evaluation (confidence 1) keeps its own name; a slip the plan's OCR made is no repair.
    Unmatched indicators of either side are kept (plan_indicator_id or indicator_result_id
    null) for the planned-but-not-evaluated and evaluated-but-never-planned findings.
    target_changed: the year-end 年度指标值 differs from the planned 指标值: when both parse as
    numbers or deadlines, in comparator, amount, unit or date ('=5次' is '5次'); otherwise in the
    normalised text (whitespace, full-width forms, ≥ → >=, thousands separators); null without a
    plan, or when either target is blank on a text layer (not printed), or both are.
    Where either side was read by OCR, a difference counts only when the reading can support it
    (target_change_evidence 'ocr_clear'); it is "not changed" (false, evidence 'ocr_doubtful')
    when the two print the same numbers in the same order (only the characters around them
    differ: '90F%', '.≥93%', a comparator lost or misread), when one reads every character of
    the other in order and more (a mark, the next cell's value or a line read twice glued on:
    '>87% 87%', '≤25682568元元/人/人'; never another number: '50' after '5', '89%' after '8%'), when
    one is no target the parser reads and prints the other's digits in order and more (marks, a
    misread comparator or unit left out: 'A981' after '=98%'), or when the year-end target's own
    OCR confidence is below var('low_confidence_threshold'), or when OCR read one of the two as
    blank (a target not read shows no change). Two text layers differ as printed
    (evidence 'text_layer'); equal targets are 'same'. The auditor sees which in
    target_change_evidence: 'ocr_doubtful' rows are worth a look at the page.
    is_achieved: the actual against the year-end target, or the planned one when the year-end
    target is blank or does not parse (macro target_met).
-#}

with

evaluated as (

    select * from {{ ref('int_self_eval_indicators_identified') }} {{ affected_projects_only() }}

),

planned_all as (

    select * from {{ ref('int_indicators_identified') }} {{ affected_projects_only() }}

),

planned_base as (

    select
        indicator_id,
        project_id,
        year,
        indicator_seq,
        level1,
        level2,
        indicator_name,
        target_raw,
        source_file,
        page,
        ocr_confidence,
        name_confidence

    from planned_all

),

planned_texts as (

    -- each distinct printed (name, 指标值, 二级) normalised and parsed once, not once per planned
    -- indicator: the texts repeat across departments' tables, the parser costs ~0.3 ms a value
    select
        indicator_name,
        target_raw,
        level2,
        nullif({{ normalize_label('indicator_name') }}, '') as indicator_name_key

    from (
        select distinct
            indicator_name,
            target_raw,
            level2
        from planned_base
    ) as printed

),

-- the planned 指标值 read again by the one parser, for its normalised text
{{ parse_target_ctes('planned_texts', 'target_raw', 'level2', 'plan') }},

planned as (

    select
        planned_base.*,
        parsed.indicator_name_key,
        parsed.plan_text,
        parsed.plan_kind,
        parsed.plan_comparator,
        parsed.plan_value,
        parsed.plan_unit,
        parsed.plan_date

    from planned_base

    inner join plan_interpreted as parsed
        on
            planned_base.indicator_name is not distinct from parsed.indicator_name
            and planned_base.target_raw is not distinct from parsed.target_raw
            and planned_base.level2 is not distinct from parsed.level2

),

evaluated_ranked as (

    select
        *,
        row_number() over (
            partition by project_id, year, indicator_name_key, level2 order by indicator_seq
        ) as occurrence

    from evaluated

),

planned_ranked as (

    select
        *,
        row_number() over (
            partition by project_id, year, indicator_name_key, level2 order by indicator_seq
        ) as occurrence

    from planned

),

matched_on_level2 as (

    select
        evaluated_ranked.indicator_result_id,
        planned_ranked.indicator_id as plan_indicator_id

    from evaluated_ranked

    inner join planned_ranked
        on
            evaluated_ranked.project_id = planned_ranked.project_id
            and evaluated_ranked.year = planned_ranked.year
            and evaluated_ranked.indicator_name_key = planned_ranked.indicator_name_key
            and evaluated_ranked.level2 is not distinct from planned_ranked.level2
            and evaluated_ranked.occurrence = planned_ranked.occurrence

),

evaluated_left as (

    select
        evaluated.*,
        row_number() over (
            partition by evaluated.project_id, evaluated.year, evaluated.indicator_name_key
            order by evaluated.indicator_seq
        ) as name_occurrence

    from evaluated

    left join matched_on_level2
        on evaluated.indicator_result_id = matched_on_level2.indicator_result_id

    where matched_on_level2.indicator_result_id is null

),

planned_left as (

    select
        planned.*,
        row_number() over (
            partition by planned.project_id, planned.year, planned.indicator_name_key
            order by planned.indicator_seq
        ) as name_occurrence

    from planned

    left join matched_on_level2
        on planned.indicator_id = matched_on_level2.plan_indicator_id

    where matched_on_level2.plan_indicator_id is null

),

matched_on_name as (

    select
        evaluated_left.indicator_result_id,
        planned_left.indicator_id as plan_indicator_id

    from evaluated_left

    inner join planned_left
        on
            evaluated_left.project_id = planned_left.project_id
            and evaluated_left.year = planned_left.year
            and evaluated_left.indicator_name_key = planned_left.indicator_name_key
            and evaluated_left.name_occurrence = planned_left.name_occurrence

),

matched_exactly as (

    select
        indicator_result_id,
        plan_indicator_id
    from matched_on_level2

    union all

    select
        indicator_result_id,
        plan_indicator_id
    from matched_on_name

),

evaluated_unmatched as (

    select evaluated.*

    from evaluated

    left join matched_exactly
        on evaluated.indicator_result_id = matched_exactly.indicator_result_id

    where matched_exactly.indicator_result_id is null

),

planned_unmatched as (

    select planned.*

    from planned

    left join matched_exactly
        on planned.indicator_id = matched_exactly.plan_indicator_id

    where matched_exactly.plan_indicator_id is null

),

slip_candidates as (

    -- each pair the exact tiers left whose names are a slip apart (the plan's name the
    -- reference: the self-evaluation restates it), of one 二级 or one side's unknown, one side
    -- read by OCR (as is_on_ocr below: a plan is a text layer at confidence 1)
    select
        evaluated_unmatched.indicator_result_id,
        planned_unmatched.indicator_id as plan_indicator_id

    from evaluated_unmatched

    inner join planned_unmatched
        on
            evaluated_unmatched.project_id = planned_unmatched.project_id
            and evaluated_unmatched.year = planned_unmatched.year
            and (
                evaluated_unmatched.level2 is null
                or planned_unmatched.level2 is null
                or evaluated_unmatched.level2 = planned_unmatched.level2
            )
            and not coalesce(
                evaluated_unmatched.is_text_layer and planned_unmatched.ocr_confidence >= 1, true
            )
            and {{ ocr_slip(
                'evaluated_unmatched.indicator_name_key', 'planned_unmatched.indicator_name_key'
            ) }}

),

matched_on_slip as (

    -- only a pair each of whose sides has no other candidate
    {{ each_others_only('slip_candidates') }}

),

named_pairs as (

    select
        indicator_result_id,
        plan_indicator_id,
        'name_level2' as match_method

    from matched_on_level2

    union all

    select
        indicator_result_id,
        plan_indicator_id,
        'name' as match_method

    from matched_on_name

    union all

    select
        indicator_result_id,
        plan_indicator_id,
        'name_slip' as match_method

    from matched_on_slip

),

evaluated_positioned as (

    -- each row's place in the project's table, and the table's length
    {{ table_places('evaluated', 'indicator_result_id') }}

),

planned_positioned as (

    {{ table_places('planned', 'indicator_id') }}

),

anchors as (

    -- each row the tiers above paired, by its place in both tables
    select
        evaluated_positioned.project_id,
        evaluated_positioned.year,
        evaluated_positioned.table_position as eval_position,
        planned_positioned.table_position as plan_position

    from named_pairs

    inner join evaluated_positioned
        on named_pairs.indicator_result_id = evaluated_positioned.indicator_result_id

    inner join planned_positioned
        on named_pairs.plan_indicator_id = planned_positioned.indicator_id

),

position_candidates as (

    -- a row OCR read no name for (a seal's star over its cell) but a full line of values, and a
    -- plan row the tiers above left printing the same target, at the same place: the rows
    -- either side of each are one pair of the tiers above, or each is its table's first (last)
    -- row. The 二级 is no test: the star blanks its cell too, which reads blank or fills down
    -- the label above. Two unread names side by side, or tables in another order, anchor nothing.
    select
        evaluated_unmatched.indicator_result_id,
        planned_unmatched.indicator_id as plan_indicator_id

    from evaluated_unmatched

    inner join evaluated_positioned
        on evaluated_unmatched.indicator_result_id = evaluated_positioned.indicator_result_id

    inner join planned_unmatched
        on
            evaluated_unmatched.project_id = planned_unmatched.project_id
            and evaluated_unmatched.year = planned_unmatched.year
            and evaluated_unmatched.target_text = planned_unmatched.plan_text

    inner join planned_positioned
        on planned_unmatched.indicator_id = planned_positioned.indicator_id

    left join matched_on_slip
        on planned_unmatched.indicator_id = matched_on_slip.plan_indicator_id

    left join anchors as above
        on
            evaluated_positioned.project_id = above.project_id
            and evaluated_positioned.year = above.year
            and evaluated_positioned.table_position - 1 = above.eval_position
            and planned_positioned.table_position - 1 = above.plan_position

    left join anchors as below
        on
            evaluated_positioned.project_id = below.project_id
            and evaluated_positioned.year = below.year
            and evaluated_positioned.table_position + 1 = below.eval_position
            and planned_positioned.table_position + 1 = below.plan_position

    where
        matched_on_slip.plan_indicator_id is null
        and evaluated_unmatched.indicator_name_key is null
        and not coalesce(evaluated_unmatched.is_text_layer, false)
        and evaluated_unmatched.target_text != ''
        and evaluated_unmatched.actual_raw is not null
        and evaluated_unmatched.weight is not null
        and evaluated_unmatched.score is not null
        and planned_unmatched.indicator_name_key is not null
        and (
            above.eval_position is not null
            or evaluated_positioned.table_position = 1 and planned_positioned.table_position = 1
        )
        and (
            below.eval_position is not null
            or evaluated_positioned.table_position = evaluated_positioned.table_rows
            and planned_positioned.table_position = planned_positioned.table_rows
        )

),

matched_on_position as (

    -- only a pair each of whose sides has no other candidate
    {{ each_others_only('position_candidates') }}

),

pairs as (

    select
        indicator_result_id,
        plan_indicator_id,
        match_method

    from named_pairs

    union all

    select
        indicator_result_id,
        plan_indicator_id,
        'unread_name_position' as match_method

    from matched_on_position

),

evaluated_with_plan as (

    select
        evaluated.*,
        pairs.plan_indicator_id,
        pairs.match_method

    from evaluated

    left join pairs
        on evaluated.indicator_result_id = pairs.indicator_result_id

),

joined as (

    select
        coalesce(evaluated_with_plan.project_id, planned.project_id) as project_id,
        coalesce(evaluated_with_plan.year, planned.year) as year,
        evaluated_with_plan.indicator_result_id,
        planned.indicator_id as plan_indicator_id,
        evaluated_with_plan.match_method,
        coalesce(evaluated_with_plan.level1, planned.level1) as level1,
        coalesce(evaluated_with_plan.level2, planned.level2) as level2,
        coalesce(evaluated_with_plan.indicator_name, planned.indicator_name) as indicator_name,
        evaluated_with_plan.indicator_name as indicator_name_read,
        -- a name a slip off the plan's, read less surely than the plan's: the plan's name it is
        -- and a name not read at all, of the plan row at its place with its target
        coalesce(
            evaluated_with_plan.match_method = 'name_slip'
            and coalesce(evaluated_with_plan.name_confidence, 1)
            < coalesce(planned.name_confidence, 1)
            or evaluated_with_plan.match_method = 'unread_name_position',
            false
        ) as is_name_from_plan,
        evaluated_with_plan.name_confidence as eval_name_confidence,
        planned.name_confidence as plan_name_confidence,
        planned.indicator_name as plan_indicator_name,
        planned.level2 as plan_level2,
        planned.target_raw as plan_target_raw,
        evaluated_with_plan.target_raw as eval_target_raw,
        evaluated_with_plan.actual_raw,
        evaluated_with_plan.weight,
        evaluated_with_plan.score,
        evaluated_with_plan.target_text as eval_target_text,
        evaluated_with_plan.target_kind as eval_target_kind,
        evaluated_with_plan.target_comparator as eval_comparator,
        evaluated_with_plan.target_value as eval_value,
        evaluated_with_plan.target_unit as eval_unit,
        evaluated_with_plan.target_date as eval_date,
        evaluated_with_plan.actual_kind,
        evaluated_with_plan.actual_value,
        evaluated_with_plan.actual_unit,
        evaluated_with_plan.actual_date,
        evaluated_with_plan.is_achieved as is_achieved_eval,
        evaluated_with_plan.is_text_layer as eval_is_text_layer,
        evaluated_with_plan.target_confidence as eval_confidence,
        planned.ocr_confidence as plan_confidence,
        planned.plan_text as plan_target_text,
        planned.plan_kind,
        planned.plan_comparator,
        planned.plan_value,
        planned.plan_unit,
        planned.plan_date,
        case
            when evaluated_with_plan.target_kind in ('number', 'date')
                then evaluated_with_plan.target_comparator
            else planned.plan_comparator
        end as comparator,
        case
            when evaluated_with_plan.target_kind in ('number', 'date')
                then evaluated_with_plan.target_value
            else planned.plan_value
        end as target_value,
        case
            when evaluated_with_plan.target_kind in ('number', 'date')
                then evaluated_with_plan.target_unit
            else planned.plan_unit
        end as target_unit,
        evaluated_with_plan.source_file as eval_source_file,
        evaluated_with_plan.page as eval_page,
        planned.source_file as plan_source_file,
        planned.page as plan_page,
        evaluated_with_plan.indicator_seq as eval_indicator_seq,
        planned.indicator_seq as plan_indicator_seq

    from evaluated_with_plan

    full outer join planned
        on evaluated_with_plan.plan_indicator_id = planned.indicator_id

),

{%- set eval_digits = digits_of('eval_target_text') %}
{%- set plan_digits = digits_of('plan_target_text') %}

compared as (

    -- what the two targets show of a change, before it is decided
    select
        *,
        indicator_result_id is not null and plan_indicator_id is not null as is_paired,
        -- a target left blank or not read on either side shows no change
        coalesce(eval_target_text, '') = '' or coalesce(plan_target_text, '') = '' as is_blank,
        coalesce(eval_target_text, '') = '' and coalesce(plan_target_text, '') = '' as is_both_blank,
        -- the same text, or both parse to the same comparator, amount, unit and deadline
        -- however printed ('=5次' and '5次', '≥ | 90 | %' and '≥90%')
        coalesce(eval_target_text = plan_target_text, false)
        or coalesce(
            eval_target_kind = plan_kind
            and plan_kind in ('number', 'date')
            and eval_comparator is not distinct from plan_comparator
            and eval_value is not distinct from plan_value
            and eval_unit is not distinct from plan_unit
            and eval_date is not distinct from plan_date,
            false
        ) as is_same,
        not coalesce(eval_is_text_layer and plan_confidence >= 1, true) as is_on_ocr,
        -- a difference an OCR reading cannot support: the same numbers with other characters
        -- around them, one side reading the other whole and more (or its digits), or the
        -- year-end target read below the confidence the warehouse trusts
        {{ same_printed_numbers('eval_target_text', 'plan_target_text') }}
        or {{ reads_the_other_in_order('eval_target_text', 'plan_target_text') }}
        or {{ reads_the_other_in_order('plan_target_text', 'eval_target_text') }}
        -- a reading that is no target the parser knows, whose digits read the other's in order
        -- and more ('A981' after '=98%'): its marks and misread comparator or unit left out
        or (
            eval_target_kind = 'text'
            and {{ reads_the_other_in_order(eval_digits, plan_digits, digits=true) }}
        )
        or (
            plan_kind = 'text'
            and {{ reads_the_other_in_order(plan_digits, eval_digits, digits=true) }}
        )
        or coalesce(eval_confidence, 1) < {{ var('low_confidence_threshold') }} as is_doubtful

    from joined

),

final as (

    select
        project_id,
        year,
        indicator_result_id,
        plan_indicator_id,
        match_method,
        level1,
        level2,
        case when is_name_from_plan then plan_indicator_name else indicator_name end
            as indicator_name,
        indicator_name_read,
        is_name_from_plan,
        eval_name_confidence,
        plan_name_confidence,
        plan_indicator_name,
        plan_target_raw,
        eval_target_raw,
        actual_raw,
        case
            when not is_paired or is_both_blank or is_blank and not is_on_ocr then null
            when is_same then false
            -- on OCR, a difference the reading cannot support is no change (flagged below), and so
            -- is a target OCR did not read
            when is_on_ocr and (is_doubtful or is_blank) then false
            when eval_target_kind = plan_kind and plan_kind in ('number', 'date') then true
            else eval_target_text != plan_target_text
        end as target_changed,
        case
            when not is_paired or is_both_blank or is_blank and not is_on_ocr then null
            when is_same then 'same'
            when not is_on_ocr then 'text_layer'
            when is_doubtful or is_blank then 'ocr_doubtful'
            else 'ocr_clear'
        end as target_change_evidence,
        case
            when is_achieved_eval is not null then is_achieved_eval
            when eval_target_kind in ('number', 'date') then null
            -- the year-end target is blank or qualitative: measure against the plan
            else {{ target_met('plan', 'actual', 'level2') }}
        end as is_achieved,
        comparator,
        target_value,
        target_unit,
        actual_value,
        actual_unit,
        weight,
        score,
        eval_source_file,
        eval_page,
        eval_indicator_seq,
        plan_source_file,
        plan_page,
        plan_indicator_seq

    from compared

)

select * from final {{ affected_projects_only() }}
