{#-
    The chosen source of each project and year against each other source of it, from the CTEs
    `candidates` (every source: document_sha256, project_seq, source_file, project_id, year) and
    `chosen` (the one deduplication kept): the CTEs `source_pairs` and `compared_documents`.
-#}
{%- macro source_pairs() -%}

source_pairs as (

    select
        chosen.project_id,
        chosen.year,
        chosen.document_sha256 as chosen_sha256,
        chosen.project_seq as chosen_project_seq,
        chosen.source_file as chosen_file,
        candidates.document_sha256 as other_sha256,
        candidates.project_seq as other_project_seq,
        candidates.source_file as other_file

    from chosen

    inner join candidates
        on
            chosen.project_id = candidates.project_id
            and chosen.year is not distinct from candidates.year
            and not (
                chosen.document_sha256 = candidates.document_sha256
                and chosen.project_seq = candidates.project_seq
            )

),

compared_documents as (

    select chosen_sha256 as document_sha256 from source_pairs

    union

    select other_sha256 as document_sha256 from source_pairs

)

{%- endmacro -%}

{#-
    The field half of the sources_disagree rule, for any form: given the CTEs of source_pairs(),
    it defines `field_findings`:
    one finding per header or funds field whose printed values differ after normalize_label
    (amounts and other numbers compared as parsed, so 15 and 15.0 agree), naming the field by its
    printed label from the seed form_fields and both files, pages and values. `key_prefix` keeps
    the finding keys of two forms apart.
-#}
{%- macro compare_source_fields(form, key_prefix) -%}

field_values as (

    select
        document_sha256,
        project_seq,
        field_name,
        printed_value,
        page,
        coalesce(
            cast({{ parse_amount_wan('printed_value') }} as varchar),
            coalesce({{ normalize_label('printed_value') }}, '')
        ) as value_key

    from {{ ref('stg_raw__extracted_values') }}

    -- only documents that take part in a comparison: normalising every printed value of the
    -- warehouse cost most of this model
    where
        form = '{{ form }}'
        and record_type = 'field'
        and document_sha256 in (select document_sha256 from compared_documents)  -- noqa: RF02

),

sides as (

    select side from (values ('chosen'), ('other')) as printed_sides (side)

),

-- each pair's field values from both of its sources, one join: the side says which source
paired_fields as (

    select
        source_pairs.*,
        sides.side,
        field_values.field_name,
        field_values.printed_value,
        field_values.page,
        field_values.value_key

    from source_pairs

    cross join sides

    inner join field_values
        on
            field_values.document_sha256 = case
                when sides.side = 'chosen' then source_pairs.chosen_sha256 else source_pairs.other_sha256
            end
            and field_values.project_seq = case
                when sides.side = 'chosen' then source_pairs.chosen_project_seq else source_pairs.other_project_seq
            end

),

compared_fields as (

    select
        project_id,
        year,
        chosen_file,
        other_sha256,
        other_project_seq,
        other_file,
        field_name,
        coalesce(max(value_key) filter (where side = 'chosen'), '') as chosen_key,
        coalesce(max(value_key) filter (where side = 'other'), '') as other_key,
        coalesce(max(printed_value) filter (where side = 'chosen'), '') as chosen_value,
        coalesce(max(printed_value) filter (where side = 'other'), '') as other_value,
        min(page) filter (where side = 'chosen') as chosen_page,
        min(page) filter (where side = 'other') as other_page

    from paired_fields

    group by
        project_id,
        year,
        chosen_file,
        other_sha256,
        other_project_seq,
        other_file,
        field_name

),

field_labels as (

    select
        field_name,
        label as field_label

    from {{ ref('form_fields') }}

    where form = '{{ form }}' and record_type = 'field'

),

field_findings as (

    select
        compared_fields.project_id,
        compared_fields.year,
        cast(null as varchar) as indicator_id,
        'sources_disagree' as rule,
        'medium' as severity,
        '{{ key_prefix }}:' || compared_fields.field_name || '|' || compared_fields.other_sha256 || ':'
        || cast(compared_fields.other_project_seq as varchar) as finding_key,
        coalesce(field_labels.field_label, compared_fields.field_name) || '两份来源不一致：'
        || compared_fields.chosen_file || ' 第 ' || coalesce(cast(compared_fields.chosen_page as varchar), '?')
        || ' 页为“' || compared_fields.chosen_value || '”，' || compared_fields.other_file || ' 第 '
        || coalesce(cast(compared_fields.other_page as varchar), '?') || ' 页为“' || compared_fields.other_value
        || '” / ' || compared_fields.field_name || ' differs between sources: “' || compared_fields.chosen_value
        || '” in ' || compared_fields.chosen_file || ' (page '
        || coalesce(cast(compared_fields.chosen_page as varchar), '?') || ') vs “' || compared_fields.other_value
        || '” in ' || compared_fields.other_file || ' (page '
        || coalesce(cast(compared_fields.other_page as varchar), '?') || ')' as detail,
        case
            when compared_fields.chosen_page is not null then compared_fields.chosen_file
            else compared_fields.other_file
        end as source_file,
        coalesce(compared_fields.chosen_page, compared_fields.other_page) as page

    from compared_fields

    left join field_labels
        on compared_fields.field_name = field_labels.field_name

    where compared_fields.chosen_key != compared_fields.other_key

)

{%- endmacro -%}
