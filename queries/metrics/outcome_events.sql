-- metrics/outcome_events: one row per outcome event that occurred by $as_of of a complaint item in
-- loaded_items (the item_ids metrics/complaint_items returned, registered by the loader, so the
-- items' bounds and filters are written once), keyed by that item's item_id. Events of no known
-- item (orphans) are left out.
with items as (
    select rowid as item_id, complaint_id, listing_id
    from complaint_items
    where rowid in (select item_id from loaded_items)
),

source as (
    select items.item_id, events.event, events.occurred_at
    from outcome_events as events
    join items using (complaint_id, listing_id)
    where events.occurred_at <= $as_of
),

renamed as (
    select item_id, event, occurred_at
    from source
)

select * from renamed
