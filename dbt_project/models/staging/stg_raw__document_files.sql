with

source as (

    select * from {{ source('raw', 'document_files') }}

),

renamed as (

    select
        ---------- ids
        source_file,
        document_sha256,

        ---------- booleans
        is_present,

        ---------- timestamps
        first_seen_at,
        last_seen_at

    from source

)

select * from renamed
