{#-
    One row per self-evaluation table (项目支出绩效自评表) of every document: header fields, the
    funds block (年度资金总额 row) and the 总分 row, parsed; and the project_id the 绩效目标表 gives
    the same project.

    project_id is the 绩效目标表's for the same project, so plan and result join on (project_id,
    year): a plan of the same normalised name whose department agrees; the first tier with
    candidates wins when they name one project_id:
      0 the same printed code and department; 1 the same code, a name unknown or a slip apart;
      2 the same department name and year; 3 the same department name; 4 a name an OCR slip
      apart (macro ocr_slip, not two text layers), the same year, and 年初预算数 = the plan's
      年度资金总额 (± 0.005 万元); 5 the department unknown on a side (a plan printing only its
      code), the same year and budget; 6 a department unknown or a slip apart, the same year
      and the same 实施单位 as printed; 7 same year, 8 any: a name no plan prints read glued onto
      its 主管部门 (a lost rule), starting with a plan's name and 主管部门, takes that name;
      9 a name no plan prints, an OCR slip of a plan's name (macro ocr_slip, not two text
      layers: two printed names are two projects) whose department agrees, slips or is unknown,
      the same year and 年初预算数 = its 年度资金总额 (`L司法救助资金` read on a scan for 司法救助资金,
      dev4 lg_38820): the slip alone is no evidence (一期 / 二期), the amount printed alike is.
      The slipped name stays as printed; int_findings_self_eval_projects names both spellings.
    A department or code printed on both sides that differs beyond a slip is another one, never
    paired; a plan two departments would take in tiers 4–6 is neither's (why this evidence and
    no less, measured: the yml docs). Else the id hashes the code and department printed on the
    self-evaluation; project_id_source names the evidence.

    Amounts are 万元: a funds_unit of '元' divides by 10,000; '/', '—' and blanks are null.
    execution_rate is in percent (95.2 means 95.2%): a printed '%' is stripped; a bare number is read
    as a fraction (×100) only when that is the closer reading of 全年执行数 / 全年预算数.
-#}
{%- set changed = build_ref('int_build_changed_documents') %}
{%- set changes = build_ref('int_build_changes') %}

with

extracted_values as (

    select * from {{ ref('stg_raw__extracted_values') }}

),

target_projects as (

    select * from {{ ref('int_projects_pivoted') }}

),

field_values as (

    select * from extracted_values

    where
        form = 'project_self_eval' and record_type = 'field'

    {#- incremental: the changed documents, and every self-evaluation of a name they carry (its
        project may now resolve to another 绩效目标表) -#}
        {%- if is_incremental() %}
            and (
                document_sha256 in (select document_sha256 from {{ changed }})  -- noqa: RF02
                or document_sha256 in (
                    select document_sha256 from {{ this }}  -- noqa: RF02
                    -- a name read glued onto its department starts with the planned name; a
                    -- name read a slip off it is one slip from it
                    where exists (
                        select 1 from {{ changes }} as changed_names  -- noqa: RF02
                        where
                            starts_with({{ this }}.project_name_key, changed_names.project_name_key)  -- noqa: RF02
                            or {{ ocr_slip(this ~ '.project_name_key', 'changed_names.project_name_key') }}  -- noqa: RF02,LT05
                    )
                )
            )
        {%- endif %}

),

pivoted as (

    select
        document_sha256,
        project_seq,
        max(source_file) as source_file,
        {{
          printed_values([
              'year', 'project_name', 'department_name', 'department_code', 'implementing_unit',
              'overall_goal', 'overall_goal_actual', 'funds_unit', 'total_budget_initial',
              'total_budget_full_year', 'total_executed', 'total_weight', 'total_execution_rate',
              'total_score', 'overall_weight', 'overall_score'
          ], aliases={
              'total_budget_initial': 'budget_initial_printed',
              'total_budget_full_year': 'budget_full_year_printed',
              'total_executed': 'executed_printed',
              'total_weight': 'funds_weight_printed',
              'total_execution_rate': 'execution_rate_printed',
              'total_score': 'funds_score_printed'
          })
        }},
        max(case when field_name = 'project_name' then page end) as project_name_page,
        max(case when field_name = 'total_executed' then page end) as funds_page,
        bool_and(case when field_name = 'department_name' then is_text_layer end) as department_name_is_text_layer,
        bool_and(case when field_name = 'project_name' then is_text_layer end) as project_name_is_text_layer,
        min(page) as first_field_page

    from field_values

    group by
        document_sha256,
        project_seq

),

provenance as (

    -- over every value of the table, header fields and indicators alike
    select
        document_sha256,
        project_seq,
        min(confidence) as min_confidence,
        bool_and(is_text_layer) as is_text_layer

    from extracted_values

    where form = 'project_self_eval'

    group by
        document_sha256,
        project_seq

),

typed as (

    select
        pivoted.document_sha256,
        pivoted.project_seq,
        pivoted.source_file,
        coalesce(pivoted.project_name_page, pivoted.first_field_page) as project_page,
        coalesce(pivoted.funds_page, pivoted.project_name_page, pivoted.first_field_page) as funds_page,
        try_cast(
            nullif(regexp_extract({{ normalize_label('pivoted.year_printed') }}, '[0-9]{4}'), '')
            as integer
        ) as year,
        nullif(trim(pivoted.project_name_printed), '') as project_name,
        nullif(trim(pivoted.department_name_printed), '') as department_name,
        nullif(trim(pivoted.department_code_printed), '') as department_code_printed,
        nullif(trim(pivoted.implementing_unit_printed), '') as implementing_unit,
        nullif(trim(pivoted.overall_goal_printed), '') as overall_goal,
        nullif(trim(pivoted.overall_goal_actual_printed), '') as overall_goal_actual,
        nullif({{ normalize_label('pivoted.project_name_printed') }}, '') as project_name_key,
        nullif({{ normalize_label('pivoted.department_name_printed') }}, '') as department_name_key,
        pivoted.department_name_is_text_layer,
        pivoted.project_name_is_text_layer,
        nullif({{ normalize_label('pivoted.department_code_printed') }}, '') as printed_code_key,
        -- a printed 元 (not 万元) means every amount of the block is in 元
        case
            when regexp_matches(coalesce({{ normalize_label('pivoted.funds_unit_printed') }}, ''), '(^|[^万])元')
                then cast(10000 as decimal(18, 6))
            else cast(1 as decimal(18, 6))
        end as funds_divisor,
        pivoted.budget_initial_printed,
        pivoted.budget_full_year_printed,
        pivoted.executed_printed,
        pivoted.execution_rate_printed,
        {{ normalize_label('pivoted.execution_rate_printed') }} as execution_rate_text,
        {{ parse_decimal('pivoted.execution_rate_printed') }} as execution_rate_number,
        {{ parse_amount_wan('pivoted.budget_initial_printed') }} as budget_initial_amount,
        {{ parse_amount_wan('pivoted.budget_full_year_printed') }} as budget_full_year_amount,
        {{ parse_amount_wan('pivoted.executed_printed') }} as executed_amount,
        {{ parse_decimal('pivoted.funds_weight_printed') }} as funds_weight,
        {{ parse_decimal('pivoted.funds_score_printed') }} as funds_score,
        {{ parse_decimal('pivoted.overall_weight_printed') }} as overall_weight,
        {{ parse_decimal('pivoted.overall_score_printed') }} as total_score,
        provenance.min_confidence,
        provenance.is_text_layer

    from pivoted

    left join provenance
        on
            pivoted.document_sha256 = provenance.document_sha256
            and pivoted.project_seq = provenance.project_seq

),

amounts as (

    select
        *,
        cast(budget_initial_amount / funds_divisor as decimal(18, 6)) as budget_initial_wan,
        cast(budget_full_year_amount / funds_divisor as decimal(18, 6)) as budget_full_year_wan,
        cast(executed_amount / funds_divisor as decimal(18, 6)) as executed_wan

    from typed

),

rates as (

    select
        *,
        case
            when coalesce(budget_full_year_wan, budget_initial_wan) > 0
                then cast(
                    executed_wan * 100 / coalesce(budget_full_year_wan, budget_initial_wan)
                    as decimal(18, 6)
                )
        end as execution_rate_computed,
        -- decimals printed after the point: the rounding the printed rate allows
        length(regexp_extract(coalesce(execution_rate_text, ''), '[.]([0-9]+)', 1)) as execution_rate_decimals

    from amounts

),

rates_read as (

    select
        *,
        case
            when execution_rate_number is null then null
            when contains(execution_rate_text, '%') then execution_rate_number
            when
                execution_rate_computed is not null
                and abs(execution_rate_number * 100 - execution_rate_computed)
                < abs(execution_rate_number - execution_rate_computed)
                then execution_rate_number * 100
            else execution_rate_number
        end as execution_rate,
        -- 100 when a bare fraction was read as percent: the rounding it allows scales with it
        case
            when
                execution_rate_number is not null
                and not contains(execution_rate_text, '%')
                and execution_rate_computed is not null
                and abs(execution_rate_number * 100 - execution_rate_computed)
                < abs(execution_rate_number - execution_rate_computed)
                then 100
            else 1
        end as execution_rate_scale

    from rates

),

target_names as (

    -- 主管部门 as printed on the 绩效目标表 (when it prints one); from a text layer or not
    select
        document_sha256,
        project_seq,
        max({{ normalize_label('printed_value') }}) as department_name_key,
        max(trim(printed_value)) as department_name,
        bool_and(is_text_layer) as department_name_is_text_layer

    from extracted_values

    where form = 'project_target' and record_type = 'field' and field_name = 'department_name'

    group by
        document_sha256,
        project_seq

),

target_name_layers as (

    -- 项目名称 as read on the 绩效目标表: from a text layer or not
    select
        document_sha256,
        project_seq,
        bool_and(is_text_layer) as project_name_is_text_layer

    from extracted_values

    where form = 'project_target' and record_type = 'field' and field_name = 'project_name'

    group by
        document_sha256,
        project_seq

),

target_codes as (

    select
        target_projects.document_sha256 as target_document_sha256,
        target_projects.project_seq as target_project_seq,
        target_projects.project_id,
        target_projects.project_name_key,
        target_projects.project_name,
        target_projects.year,
        target_projects.department_code,
        target_projects.total_funds_wan,
        nullif({{ normalize_label('target_projects.implementing_unit') }}, '') as implementing_unit_key,
        nullif({{ normalize_label('target_projects.department_code') }}, '') as department_code_key,
        nullif(target_names.department_name_key, '') as department_name_key,
        target_names.department_name,
        target_names.department_name_is_text_layer,
        target_name_layers.project_name_is_text_layer

    from target_projects

    left join target_names
        on
            target_projects.document_sha256 = target_names.document_sha256
            and target_projects.project_seq = target_names.project_seq

    left join target_name_layers
        on
            target_projects.document_sha256 = target_name_layers.document_sha256
            and target_projects.project_seq = target_name_layers.project_seq

),

named_pairs as (

    -- each 绩效目标表 of the same name and no other printed code: what agrees of the two
    select
        rates_read.document_sha256,
        rates_read.project_seq,
        target_codes.target_document_sha256,
        target_codes.target_project_seq,
        coalesce(target_codes.department_code_key = rates_read.printed_code_key, false) as code_agrees,
        coalesce(target_codes.department_name_key = rates_read.department_name_key, false) as name_agrees,
        coalesce(
            not (rates_read.department_name_is_text_layer and target_codes.department_name_is_text_layer)
            and {{ ocr_slip('rates_read.department_name_key', 'target_codes.department_name_key') }},
            false
        ) as name_slips,
        rates_read.department_name_key is null or target_codes.department_name_key is null as department_unknown,
        coalesce(target_codes.year = rates_read.year, false) as same_year,
        -- 年初预算数 is the plan's 年度资金总额: equal within two printed decimals' rounding
        coalesce(abs(rates_read.budget_initial_wan - target_codes.total_funds_wan) <= 0.005, false)
            as amount_agrees,
        -- as printed: units' names differ by their county's glyph, as departments' do
        coalesce(
            target_codes.implementing_unit_key = nullif({{ normalize_label('rates_read.implementing_unit') }}, ''),
            false
        ) as unit_agrees

    from rates_read

    inner join target_codes
        on
            rates_read.project_name_key = target_codes.project_name_key
            and (
                rates_read.printed_code_key is null
                or target_codes.department_code_key is null
                or rates_read.printed_code_key = target_codes.department_code_key
            )

),

named_tiers as (

    -- strongest evidence first; a department printed on both sides that differs beyond a
    -- slip is another one (no tier), whatever else agrees
    select
        document_sha256,
        project_seq,
        target_document_sha256,
        target_project_seq,
        false as name_glued,
        case
            when code_agrees and name_agrees then 0
            when code_agrees and (department_unknown or name_slips) then 1
            when name_agrees and same_year then 2
            when name_agrees then 3
            when name_slips and same_year and amount_agrees then 4
            when department_unknown and same_year and amount_agrees then 5
            when (department_unknown or name_slips) and same_year and unit_agrees then 6
        end as match_tier

    from named_pairs

),

named_keys as (

    select * from named_tiers
    where match_tier is not null

),

unnamed as (

    -- the self-evaluations no 绩效目标表 of their name takes
    select * from rates_read

    where not exists (
        select 1 from named_keys
        where
            named_keys.document_sha256 = rates_read.document_sha256
            and named_keys.project_seq = rates_read.project_seq
    )

),

glued_keys as (

    -- a name no 绩效目标表 prints, read glued onto the department printed below it (the grid
    -- lost the rule between the two rows: project name, then 主管部门, in one value cell): a
    -- 绩效目标表 whose name followed by its own 主管部门 is what was read; the same year first
    select
        rates_read.document_sha256,
        rates_read.project_seq,
        target_codes.target_document_sha256,
        target_codes.target_project_seq,
        true as name_glued,
        case when target_codes.year = rates_read.year then 7 else 8 end as match_tier

    from unnamed as rates_read

    inner join target_codes
        on
            starts_with(
                rates_read.project_name_key,
                target_codes.project_name_key || target_codes.department_name_key
            )
            and (
                rates_read.printed_code_key is null
                or target_codes.department_code_key is null
                or rates_read.printed_code_key = target_codes.department_code_key
            )

),

slipped_name_keys as (

    -- a name no 绩效目标表 prints (nor glued onto its department), an OCR slip of a plan's name
    -- of the same year whose 年度资金总额 the 年初预算数 prints; its department the plan's, a
    -- slip of it or unknown on a side (never another one), its code none or the plan's
    select
        rates_read.document_sha256,
        rates_read.project_seq,
        target_codes.target_document_sha256,
        target_codes.target_project_seq,
        false as name_glued,
        9 as match_tier

    from unnamed as rates_read

    inner join target_codes
        on
            rates_read.year = target_codes.year
            and {{ ocr_slip('rates_read.project_name_key', 'target_codes.project_name_key') }}
            and abs(rates_read.budget_initial_wan - target_codes.total_funds_wan) <= 0.005
            and not coalesce(rates_read.project_name_is_text_layer and target_codes.project_name_is_text_layer, false)
            and (
                rates_read.printed_code_key is null
                or target_codes.department_code_key is null
                or rates_read.printed_code_key = target_codes.department_code_key
            )
            and (
                rates_read.department_name_key is null
                or target_codes.department_name_key is null
                or rates_read.department_name_key = target_codes.department_name_key
                or (
                    not coalesce(
                        rates_read.department_name_is_text_layer and target_codes.department_name_is_text_layer,
                        false
                    )
                    and {{ ocr_slip('rates_read.department_name_key', 'target_codes.department_name_key') }}
                )
            )

    where not exists (
        select 1 from glued_keys
        where
            glued_keys.document_sha256 = rates_read.document_sha256
            and glued_keys.project_seq = rates_read.project_seq
    )

),

candidate_keys as (

    -- each way a 绩效目标表 can be found gives its key and tier; its columns are joined once
    select * from named_keys

    union all

    select * from glued_keys

    union all

    select * from slipped_name_keys

),

candidates as (

    select
        candidate_keys.document_sha256,
        candidate_keys.project_seq,
        target_codes.project_id,
        target_codes.department_code,
        target_codes.project_name_key,
        target_codes.project_name,
        target_codes.department_name,
        candidate_keys.name_glued,
        candidate_keys.match_tier

    from candidate_keys

    inner join target_codes
        on
            candidate_keys.target_document_sha256 = target_codes.target_document_sha256
            and candidate_keys.target_project_seq = target_codes.target_project_seq

),

best_tier as (

    select
        document_sha256,
        project_seq,
        min(match_tier) as match_tier

    from candidates

    group by
        document_sha256,
        project_seq

),

best_candidates as (

    select candidates.*

    from candidates

    inner join best_tier
        on
            candidates.document_sha256 = best_tier.document_sha256
            and candidates.project_seq = best_tier.project_seq
            and candidates.match_tier = best_tier.match_tier

),

contested as (

    -- a plan two departments (an unread 主管部门 is one of its own) would take in tiers 4–6, 9:
    -- nothing printed tells whose it is. A name's self-evaluations are rebuilt together (the
    -- incremental filter above), so every claimant is here.
    select best_candidates.project_id

    from best_candidates

    inner join rates_read
        on
            best_candidates.document_sha256 = rates_read.document_sha256
            and best_candidates.project_seq = rates_read.project_seq

    where best_candidates.match_tier in (4, 5, 6, 9)

    group by best_candidates.project_id

    having
        count(
            distinct coalesce(
                rates_read.department_name_key,
                'unread:' || rates_read.document_sha256 || ':' || rates_read.project_seq
            )
        ) > 1

),

resolved as (

    -- one project in the best tier, not contested, or none
    select
        best_candidates.document_sha256,
        best_candidates.project_seq,
        min(best_candidates.project_id) as target_project_id,
        min(best_candidates.department_code) as target_department_code,
        bool_or(best_candidates.name_glued) as name_glued,
        min(best_candidates.match_tier) as match_tier,
        min(best_candidates.project_name_key) as target_project_name_key,
        min(best_candidates.project_name) as target_project_name,
        min(best_candidates.department_name) as target_department_name

    from best_candidates

    group by
        best_candidates.document_sha256,
        best_candidates.project_seq

    having
        count(distinct best_candidates.project_id) = 1
        and not bool_or(
            best_candidates.match_tier in (4, 5, 6, 9)
            and best_candidates.project_id in (select contested.project_id from contested)
        )

),

coded as (

    -- a name read glued onto its department takes the plan's name and department
    select
        rates_read.* replace (
            case
                when resolved.name_glued then resolved.target_project_name
                else rates_read.project_name
            end as project_name,
            case
                when resolved.name_glued then resolved.target_project_name_key
                else rates_read.project_name_key
            end as project_name_key,
            case
                when resolved.name_glued
                    then coalesce(rates_read.department_name, resolved.target_department_name)
                else rates_read.department_name
            end as department_name
        ),
        resolved.target_project_id,
        coalesce(rates_read.department_code_printed, resolved.target_department_code) as department_code,
        case
            when resolved.match_tier in (4, 5) then 'target_table_amount'
            when resolved.match_tier = 6 then 'target_table_unit'
            when resolved.match_tier = 9 then 'target_table_name_slip'
            when resolved.target_project_id is not null then 'target_table'
            when rates_read.printed_code_key is not null then 'printed'
            else 'none'
        end as project_id_source

    from rates_read

    left join resolved
        on
            rates_read.document_sha256 = resolved.document_sha256
            and rates_read.project_seq = resolved.project_seq

),

final as (

    select
        coalesce(
            target_project_id,
            {{
                project_id(
                    'printed_code_key', 'department_name_key', 'project_name_key',
                    "'unnamed:' || document_sha256 || ':' || project_seq"
                )
            }}
        ) as project_id,
        document_sha256,
        project_seq,
        source_file,
        project_page,
        funds_page,
        year,
        project_name,
        project_name_key,
        department_name,
        department_code,
        project_id_source,
        implementing_unit,
        overall_goal,
        overall_goal_actual,
        budget_initial_wan,
        budget_full_year_wan,
        executed_wan,
        execution_rate_printed,
        execution_rate,
        execution_rate_computed,
        execution_rate_decimals,
        execution_rate_scale,
        funds_weight,
        funds_score,
        overall_weight,
        total_score,
        min_confidence,
        is_text_layer

    from coded

)

select * from final
