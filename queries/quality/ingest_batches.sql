-- ingest_batches (data quality): one row per file loaded or refused, newest first, with its accounting.
with source as (
    select * from ingest_batches
),

renamed as (
    select
        batch_id,
        loaded_at,
        file,
        kind,
        file_format,
        rows,
        inserted,
        updated,
        unchanged,
        rejected,
        rejected / nullif(rows, 0) as rejected_share,
        error is not null as refused,
        error,
        timezone
    from source
)

select * from renamed
order by loaded_at desc, batch_id desc
