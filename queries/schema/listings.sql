-- listings: one row per detected listing; key (platform, listing_id).
-- detected_at keeps the earliest value ever loaded; every other column: last loaded wins.
-- All timestamps are UTC (naive TIMESTAMP holding UTC).
create table if not exists listings (
    platform          varchar   not null,  -- canonical platform name, see contract.PLATFORMS
    listing_id        varchar   not null,  -- the platform's item id
    url               varchar   not null,  -- http or https
    title             varchar,             -- untrusted seller text, verbatim
    seller_id         varchar   not null,
    seller_name       varchar,             -- untrusted seller text, verbatim
    brand             varchar   not null,  -- the brand infringed
    infringement_type varchar   not null,  -- counterfeit | lookalike | trademark_misuse | copyright | design | patent
    price             decimal(38, 10),     -- in `currency`, >= 0; digits as written (contract.DECIMAL_SCALE)
    currency          varchar,             -- ISO 4217, upper case
    units_sold        bigint,              -- >= 0
    seller_country    varchar,             -- ISO 3166 alpha-2, upper case
    risk_score        double,              -- 0 to 100
    detected_at       timestamp not null,  -- UTC, earliest seen
    source            varchar,             -- the detecting tool
    extra             json,                -- the export's unknown columns, verbatim
    batch_id          varchar   not null,  -- the ingest batch that last wrote the row
    line              bigint    not null   -- its line in that batch's file
);

-- Stores made when prices kept 4 decimals: widen the column (a no-op once it is wide).
alter table listings alter price type decimal(38, 10);
