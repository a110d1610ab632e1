-- quarantined_rows: one row per rejected input row, with every reason it broke;
-- key (file_sha256, line): loading the same bytes again replaces their rows, never adds them twice.
-- reasons is a JSON list of {"column", "rule", "message"}; raw holds the row's values as read.
create table if not exists quarantined_rows (
    batch_id     varchar not null,  -- the latest batch that loaded these bytes
    file         varchar not null,
    line         bigint  not null,  -- line in the file (1 = header for CSV; row number for XLSX/Parquet)
    kind         varchar,
    raw          json    not null,
    reasons      json    not null,
    file_sha256  varchar            -- the file's bytes (null only in stores made before this column)
);

-- Stores made before file_sha256 existed: add it and fill it from each row's batch.
alter table quarantined_rows add column if not exists file_sha256 varchar;
update quarantined_rows
set file_sha256 = batches.file_sha256
from ingest_batches as batches
where quarantined_rows.file_sha256 is null
    and batches.batch_id = quarantined_rows.batch_id
    and batches.file_sha256 <> '';
