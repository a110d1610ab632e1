-- complaint_items: one row per complaint item (a complaint and one listing it names);
-- key (complaint_id, listing_id), listing_id '' for a storefront complaint. Last loaded wins.
create table if not exists complaint_items (
    complaint_id      varchar   not null,
    platform          varchar   not null,
    listing_id        varchar   not null,  -- '' for a storefront complaint
    seller_id         varchar   not null,
    enforcement_type  varchar   not null,  -- listing | storefront
    ipr_type          varchar   not null,  -- trademark | copyright | patent | design
    ipr_registration  varchar,             -- the registration relied on (ip_rights.registration)
    reason            varchar   not null,  -- lower-cased and trimmed
    account           varchar   not null,  -- the IPP account that filed it
    submitted_at      timestamp not null,  -- UTC
    portal_status     varchar,             -- the export's status column, also stored as an outcome event
    portal_status_at  timestamp,           -- UTC
    extra             json,
    batch_id          varchar   not null,
    line              bigint    not null
);
