with

source as (

    select * from {{ source('raw', 'pages') }}

),

renamed as (

    select
        ---------- ids
        document_sha256,
        page,

        ---------- text
        bbox_unit,
        status,
        extractor,

        ---------- numerics
        width,
        height,
        n_tables,

        ---------- booleans
        has_text_layer

    from source

),

final as (

    select
        *,
        (not has_text_layer or status = 'needs_ocr') as needs_ocr

    from renamed

)

select * from final
