with

source as (

    select * from {{ source('raw', 'document_files') }}

),

folder_seen as (

    -- when the inventory last saw the raw folder: a present name's row is written only when its
    -- state changes (flows/landing.py record_files), so its last sighting is the folder's
    select max(try_cast(value as timestamp)) as files_seen_at
    from {{ source('raw', 'meta') }}
    where key = 'files_seen_at'

),

renamed as (

    select
        ---------- ids
        source.source_file,
        source.document_sha256,

        ---------- booleans
        source.is_present,

        ---------- timestamps
        source.first_seen_at,
        case
            when source.is_present
                then greatest(source.last_seen_at, coalesce(folder_seen.files_seen_at, source.last_seen_at))
            else source.last_seen_at
        end as last_seen_at

    from source
    cross join folder_seen

)

select * from renamed
