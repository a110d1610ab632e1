-- quarantined_rows: one row per rejected input row, with every reason it broke.
-- reasons is a JSON list of {"column", "rule", "message"}; raw holds the row's values as read.
create table if not exists quarantined_rows (
    batch_id  varchar not null,
    file      varchar not null,
    line      bigint  not null,  -- line in the file (1 = header for CSV; row number for XLSX/Parquet)
    kind      varchar,
    raw       json    not null,
    reasons   json    not null
);
