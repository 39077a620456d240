{#-
    Each spelling of a 主管部门 name printed on the 绩效目标表 tables, per department code and
    year, and department_key: the spelling the department is known by in project_id.

    project_id hashes the department name, so one glyph OCR misread (平罗县委政泫委 for
    平罗县委政法委) made a scan's project a second project beside its text-layer copy. A spelling
    read only by OCR is that of a spelling ranked above it (read from a text layer, then at a
    higher confidence, then by more tables) when both hold:
      * it is a slip of it (macro ocr_slip: the slips the form reader forgives a label);
      * the two print one project alike: a table of each with the same normalised project name
        and the same printed 年度资金总额. A slip alone does not tell an OCR misreading from
        another county: counties' names differ by a glyph (武岗县 / 武坡县, 盐池县 / 盐源县) and
        may print the same department code, so on dev (lg_6110 / lg_6130) a slip alone joined a
        self-evaluation to another county's plan; a copy of the same table prints its amounts.
    The best-ranked such spelling wins, and a spelling that is itself that of another takes that
    one's key (one hop further, so a chain ends on one key). A text layer's spelling is printed,
    never a slip: two of them are two departments. Codes and years group what may be one
    department: '' (no code printed) is one group of its year. The slipped spelling stays as
    printed in every other column and mart; the text copy and the scan, now one project, differ
    in a `sources_disagree` finding naming both spellings, files and pages.
-#}

with

extracted_values as (

    select * from {{ ref('stg_raw__extracted_values') }}

),

header_values as (

    select
        document_sha256,
        project_seq,
        max(case when field_name = 'year' then printed_value end) as year_printed,
        coalesce(max(case when field_name = 'department_code' then {{ normalize_label('printed_value') }} end), '')
            as department_code_key,
        max(case when field_name = 'department_name' then {{ normalize_label('printed_value') }} end)
            as department_name_key,
        max(case when field_name = 'project_name' then {{ normalize_label('printed_value') }} end)
            as project_name_key,
        max(case when field_name = 'total_funds' then {{ normalize_label('printed_value') }} end) as total_funds_key,
        bool_or(field_name = 'department_name' and is_text_layer) as is_text_layer,
        max(case when field_name = 'department_name' then confidence end) as confidence

    from extracted_values

    where
        form = 'project_target'
        and record_type = 'field'
        and field_name in ('year', 'department_code', 'department_name', 'project_name', 'total_funds')

    group by
        document_sha256,
        project_seq

),

header_tables as (

    select
        *,
        -- the year as int_projects_pivoted reads it
        try_cast(nullif(regexp_extract({{ normalize_label('year_printed') }}, '[0-9]{4}'), '') as integer) as year

    from header_values

    where nullif(department_name_key, '') is not null

),

spellings as (

    select
        department_code_key,
        year,
        department_name_key,
        bool_or(is_text_layer) as is_text_layer,
        max(confidence) as confidence,
        count(*) as n_tables

    from header_tables

    group by all

),

alike as (

    -- pairs of spellings of one code and year that print one project alike (name and amount)
    select distinct
        one.department_code_key,
        one.year,
        one.department_name_key,
        other.department_name_key as other_name_key

    from header_tables as one

    inner join header_tables as other
        on
            one.department_code_key = other.department_code_key
            and one.year is not distinct from other.year
            and one.project_name_key = other.project_name_key
            and one.total_funds_key = other.total_funds_key
            and one.department_name_key != other.department_name_key

),

ranked as (

    select
        *,
        row_number() over (
            partition by department_code_key, year
            order by is_text_layer desc, confidence desc, n_tables desc, department_name_key asc
        ) as spelling_rank

    from spellings

),

slips as (

    -- the best-ranked spelling above each OCR spelling that it is a slip of and prints alike
    select
        slipped.department_code_key,
        slipped.year,
        slipped.department_name_key,
        arg_min(reference.department_name_key, reference.spelling_rank) as reference_key

    from ranked as slipped

    inner join ranked as reference
        on
            slipped.department_code_key = reference.department_code_key
            and slipped.year is not distinct from reference.year
            and slipped.spelling_rank > reference.spelling_rank
            and {{ ocr_slip('slipped.department_name_key', 'reference.department_name_key') }}

    inner join alike
        on
            slipped.department_code_key = alike.department_code_key
            and slipped.year is not distinct from alike.year
            and slipped.department_name_key = alike.department_name_key
            and reference.department_name_key = alike.other_name_key

    where not slipped.is_text_layer

    group by all

),

final as (

    select
        ranked.department_code_key,
        ranked.year,
        ranked.department_name_key,
        coalesce(further.reference_key, slips.reference_key, ranked.department_name_key) as department_key

    from ranked

    left join slips
        on
            ranked.department_code_key = slips.department_code_key
            and ranked.year is not distinct from slips.year
            and ranked.department_name_key = slips.department_name_key

    left join slips as further
        on
            slips.department_code_key = further.department_code_key
            and slips.year is not distinct from further.year
            and slips.reference_key = further.department_name_key

)

select * from final
