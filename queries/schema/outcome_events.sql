-- outcome_events: one row per event in a complaint item's life;
-- key (complaint_id, listing_id, event, occurred_at): the same event twice is one event.
-- Events come from outcomes exports and from the status column of complaints exports.
create table if not exists outcome_events (
    complaint_id  varchar   not null,
    listing_id    varchar   not null,  -- '' for a storefront complaint
    event         varchar   not null,  -- counter_notice | counter_notice_rejected | counter_notice_accepted
                                       -- | removed | rejected | restored | withdrawn
    occurred_at   timestamp not null,  -- UTC
    detail        varchar,             -- untrusted, e.g. the platform's rejection reason
    extra         json,
    source_kind   varchar   not null,  -- outcomes | complaints (a portal status column)
    batch_id      varchar   not null,
    line          bigint    not null
);
