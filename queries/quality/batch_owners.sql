-- quality/batch_owners (data quality within a viewer's scope): one row per (batch, kind, brand, account)
-- among the stored rows each ingest batch last wrote: a listing or a right by its brand, a complaint item
-- by its account and its listing's brand, an event by its item's, an escalation's answer by its item's
-- (or, for a seller or an account, the account it names). Null where the store cannot say: an item without
-- a loaded listing has no brand. The dashboard keeps the batches of the viewer's brands and accounts
-- (quality_scope.batches_within_scope).
with listing_brands as (
    select platform, listing_id, brand
    from listings
),

item_owners as (
    select items.complaint_id, items.listing_id, items.account, listing_brands.brand, items.batch_id
    from complaint_items as items
    left join listing_brands using (platform, listing_id)
),

owners as (
    select batch_id, 'listings' as kind, brand, null::varchar as account from listings
    union all
    select batch_id, 'ip_rights' as kind, brand, null::varchar as account from ip_rights
    union all
    select batch_id, 'complaints' as kind, brand, account from item_owners
    union all
    select events.batch_id, 'outcomes' as kind, item_owners.brand, item_owners.account
    from outcome_events as events
    left join item_owners using (complaint_id, listing_id)
    union all
    select answers.batch_id, 'escalations' as kind, item_owners.brand,
        coalesce(item_owners.account, escalations.account) as account
    from escalation_log as answers
    join escalations using (escalation_id)
    left join item_owners using (complaint_id, listing_id)
)

select distinct batch_id, kind, brand, account
from owners
