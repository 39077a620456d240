-- depends_on: {{ build_ref('int_build_changes') }}
-- (int_build_changes reads this table as the last build left it: it must run first)
with

extracted_values as (

    select * from {{ ref('stg_raw__extracted_values') }} {{ changed_documents_only() }}

),

field_values as (

    select * from extracted_values

    where form = 'project_target' and record_type = 'field'

),

pivoted as (

    select
        document_sha256,
        project_seq,
        max(source_file) as source_file,
        {{
          printed_values([
              'year', 'project_name', 'department_code', 'department_name', 'implementing_unit',
              'project_attribute', 'project_period', 'overall_goal', 'total_funds', 'fiscal_funds',
              'other_funds', 'local_fiscal_funds', 'superior_funds', 'funds_unit'
          ])
        }},
        min(
            case
                when
                    field_name in (
                        'total_funds', 'fiscal_funds', 'local_fiscal_funds', 'superior_funds', 'other_funds'
                    )
                    then page
            end
        ) as funds_page,
        max(case when field_name = 'project_name' then page end) as project_name_page,
        min(page) as first_field_page

    from field_values

    group by
        document_sha256,
        project_seq

),

provenance as (

    -- over every value of the project, header fields and indicators alike
    select
        document_sha256,
        project_seq,
        min(confidence) as min_confidence,
        bool_and(is_text_layer) as is_text_layer,
        string_agg(distinct extractor, ',' order by extractor) as extractors

    from extracted_values

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
        try_cast(
            nullif(regexp_extract({{ normalize_label('pivoted.year_printed') }}, '[0-9]{4}'), '')
            as integer
        ) as year,
        nullif(trim(pivoted.project_name_printed), '') as project_name,
        nullif(trim(pivoted.department_code_printed), '') as department_code,
        nullif(trim(pivoted.department_name_printed), '') as department_name,
        nullif(trim(pivoted.implementing_unit_printed), '') as implementing_unit,
        nullif(trim(pivoted.project_attribute_printed), '') as project_attribute,
        nullif(trim(pivoted.project_period_printed), '') as project_period,
        nullif(trim(pivoted.overall_goal_printed), '') as overall_goal,
        nullif({{ normalize_label('pivoted.project_name_printed') }}, '') as project_name_key,
        coalesce({{ normalize_label('pivoted.department_code_printed') }}, '') as department_code_key,
        {{ normalize_label('pivoted.department_name_printed') }} as department_name_key,
        pivoted.funds_page,
        nullif(trim(pivoted.funds_unit_printed), '') as funds_unit,
        {{ parse_amount_wan('pivoted.total_funds_printed', 'pivoted.funds_unit_printed') }} as total_funds_wan,
        {{ parse_amount_wan('pivoted.fiscal_funds_printed', 'pivoted.funds_unit_printed') }} as fiscal_funds_parsed_wan,
        {{ parse_amount_wan('pivoted.local_fiscal_funds_printed', 'pivoted.funds_unit_printed') }}
            as local_fiscal_funds_wan,
        {{ parse_amount_wan('pivoted.superior_funds_printed', 'pivoted.funds_unit_printed') }} as superior_funds_wan,
        {{ parse_amount_wan('pivoted.other_funds_printed', 'pivoted.funds_unit_printed') }} as other_funds_parsed_wan,
        -- blank, or a mark printed for no value (/, —)
        coalesce({{ normalize_label('pivoted.other_funds_printed') }}, '') in ('', {{ no_value_marks() }})
            as is_other_funds_blank,
        pivoted.fiscal_funds_printed is null
        and pivoted.local_fiscal_funds_printed is null
        and pivoted.superior_funds_printed is null
        and pivoted.other_funds_printed is null as is_total_the_only_funds_line,
        provenance.min_confidence,
        provenance.is_text_layer,
        provenance.extractors

    from pivoted

    left join provenance
        on
            pivoted.document_sha256 = provenance.document_sha256
            and pivoted.project_seq = provenance.project_seq

),

funds_derived as (

    -- 财政拨款 as printed; else 本级 + 上级 when only the split is printed; else the total when
    -- it is the only funds line (年度本级预算金额)
    select
        *,
        cast(
            coalesce(
                fiscal_funds_parsed_wan,
                case
                    when local_fiscal_funds_wan is not null or superior_funds_wan is not null
                        then coalesce(local_fiscal_funds_wan, 0) + coalesce(superior_funds_wan, 0)
                end,
                case when is_total_the_only_funds_line then total_funds_wan end
            ) as decimal(18, 6)
        ) as fiscal_funds_wan

    from typed

),

department_spellings as (

    select * from {{ ref('int_department_spellings') }}

),

keyed as (

    -- the department as project_id knows it: a spelling OCR slipped takes its department's key
    select
        funds_derived.*,
        coalesce(department_spellings.department_key, funds_derived.department_name_key) as department_key

    from funds_derived

    left join department_spellings
        on
            funds_derived.department_code_key = department_spellings.department_code_key
            and funds_derived.year is not distinct from department_spellings.year
            and funds_derived.department_name_key = department_spellings.department_name_key

),

final as (

    select
        {{
            project_id(
                'department_code_key', 'department_key', 'project_name_key',
                "'unnamed:' || document_sha256 || ':' || project_seq"
            )
        }} as project_id,
        document_sha256,
        project_seq,
        source_file,
        project_page,
        year,
        project_name,
        department_code,
        department_name,
        implementing_unit,
        project_attribute,
        project_period,
        overall_goal,
        project_name_key,
        department_key,
        funds_page,
        funds_unit,
        total_funds_wan,
        fiscal_funds_wan,
        local_fiscal_funds_wan,
        superior_funds_wan,
        case
            when not is_other_funds_blank then other_funds_parsed_wan
            when total_funds_wan = fiscal_funds_wan then cast(0 as decimal(18, 6))
        end as other_funds_wan,
        min_confidence,
        is_text_layer,
        extractors

    from keyed

)

select * from final
