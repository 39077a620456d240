-- Every landed (form, record_type, field) is one the form descriptions (seed form_fields) name:
-- a field landed under the wrong form or record type fails here.
select
    extracted.form,
    extracted.record_type,
    extracted.field_name,
    count(*) as n_values

from {{ ref('stg_raw__extracted_values') }} as extracted

left join {{ ref('form_fields') }} as form_fields
    on
        extracted.form = form_fields.form
        and extracted.record_type = form_fields.record_type
        and extracted.field_name = form_fields.field_name

where form_fields.field_name is null

group by
    extracted.form,
    extracted.record_type,
    extracted.field_name
