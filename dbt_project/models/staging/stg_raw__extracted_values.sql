with

source as (

    select * from {{ source('raw', 'extracted_values') }}

),

renamed as (

    select
        ---------- ids
        document_sha256,
        project_seq,
        indicator_seq,

        ---------- text
        source_file,
        form,
        record_type,
        field as field_name,
        value as printed_value,
        extractor,

        ---------- position
        page,
        table_index,
        row as grid_row,
        col as grid_col,
        x0,
        y0,
        x1,
        y1,

        ---------- numerics
        confidence

    from source

),

final as (

    select
        *,
        extractor = 'camelot' as is_text_layer

    from renamed

)

select * from final
