-- escalations: one row per escalation the call has seen (escalation_id), recorded by the ingest of
-- the report's filled escalations.xlsx (kind escalations) from the workbook's own columns: the id is
-- the hash of its kind and key (contract.escalation_id), so the report stays read-only.
-- key escalation_id; an item escalation names its complaint item, a storefront one its seller, a
-- Good-Faith one its account and reason.
create table if not exists escalations (
    escalation_id     varchar   not null,  -- ESC- and 12 hex digits (the key)
    escalation_kind   varchar   not null,  -- rejected_to_contest | missed_response | restored_after_removal
                                           -- | pending_too_long | storefront_action | good_faith_risk
    first_call_month  varchar   not null,  -- YYYY-MM: the call that first raised it
    complaint_id      varchar,
    listing_id        varchar,             -- '' for a storefront complaint item
    platform          varchar,
    seller_id         varchar,
    account           varchar,
    reason            varchar,             -- lower-cased, as complaint_items keeps it
    first_loaded_at   timestamp not null,  -- UTC: when a filled workbook first named it
    batch_id          varchar   not null   -- the batch that first named it
);
