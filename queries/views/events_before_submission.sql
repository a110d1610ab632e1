-- events_before_submission: one row per outcome event that occurred before its own complaint item
-- was submitted. Such events are kept and counted as SPEC says (they arrive in other files, so no
-- row can be refused for them); data quality lists them with the size of the gap.
-- gap_hours: hours from occurred_at to submitted_at (> 0), exact to the microsecond.
create or replace view events_before_submission as
with renamed as (
    select
        events.complaint_id,
        events.listing_id,
        events.event,
        events.occurred_at,
        items.submitted_at,
        (epoch_us(items.submitted_at) - epoch_us(events.occurred_at)) / 3600000000 as gap_hours
    from outcome_events as events
    join complaint_items as items using (complaint_id, listing_id)
    where events.occurred_at < items.submitted_at
)

select * from renamed
