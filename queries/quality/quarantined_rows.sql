-- quarantined_rows (data quality): one row per quarantined input row, optionally of one batch,
-- in the order the files were loaded and then by line.
with source as (
    select quarantine.*, batches.loaded_at
    from quarantined_rows as quarantine
    left join ingest_batches as batches using (batch_id)
    where $batch_id is null or quarantine.batch_id = $batch_id
),

renamed as (
    select batch_id, file, line, kind, raw, reasons, loaded_at
    from source
)

select * from renamed
order by batch_id, line
