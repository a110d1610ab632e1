-- orphan_outcome_events: one row per outcome event whose complaint item is not (yet) in complaint_items.
create or replace view orphan_outcome_events as
with renamed as (
    select events.complaint_id, events.listing_id, events.event, events.occurred_at, events.batch_id, events.line
    from outcome_events as events
    anti join complaint_items using (complaint_id, listing_id)
)

select * from renamed
