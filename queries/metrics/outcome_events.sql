-- metrics/outcome_events: one row per outcome event that occurred by $as_of (staging/events_known)
-- of a complaint item in loaded_items (item_id, complaint_id, listing_id: the items
-- metrics/complaint_items returned, given by the loader, so the items' bounds and filters are
-- written once), keyed by that item's item_id. Events of no known item (orphans) are left out.
with source as (
    select items.item_id, events.event, events.occurred_at
    from events_known as events
    join loaded_items as items using (complaint_id, listing_id)
),

renamed as (
    select item_id, event, occurred_at
    from source
)

select * from renamed
