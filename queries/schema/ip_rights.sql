-- ip_rights: one row per registered right of the brand; key registration. Last loaded wins.
create table if not exists ip_rights (
    registration   varchar not null,
    ipr_type       varchar not null,  -- trademark | copyright | patent | design
    brand          varchar not null,
    jurisdiction   varchar,
    registrant     varchar,
    goods_classes  varchar,
    expires_on     date,
    ipp_status     varchar,           -- pending | verified | rejected
    extra          json,
    batch_id       varchar not null,
    line           bigint  not null
);
