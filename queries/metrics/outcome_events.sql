-- metrics/outcome_events: one row per outcome event that occurred by $as_of of a complaint item of
-- metrics/complaint_items (same bounds; only listing items when $listing_only), keyed by that item's
-- item_id. Events of no known item (orphans) are left out.
with items as (
    select rowid as item_id, complaint_id, listing_id
    from complaint_items
    where submitted_at <= $as_of
        and submitted_at >= $since
        and submitted_at < $until
        and (not $listing_only or enforcement_type = 'listing')
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
