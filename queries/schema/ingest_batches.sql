-- ingest_batches: one row per file loaded (or refused); rows = inserted + updated + unchanged + rejected.
create table if not exists ingest_batches (
    batch_id     varchar   not null,  -- unique, sortable by time
    file         varchar   not null,  -- the path as given
    file_sha256  varchar   not null,
    kind         varchar,             -- listings | complaints | outcomes | ip_rights
    file_format  varchar,             -- csv | xlsx | jsonl | parquet
    rows         bigint    not null,  -- data rows read
    inserted     bigint    not null,
    updated      bigint    not null,
    unchanged    bigint    not null,
    rejected     bigint    not null,  -- quarantined rows
    timezone     varchar   not null,  -- the ingest time zone for timestamps without an offset
    mapping      varchar,             -- the mapping file used, if any
    error        varchar,             -- why the file was refused whole (nothing of it loaded), else null
    loaded_at    timestamp not null   -- UTC
);
