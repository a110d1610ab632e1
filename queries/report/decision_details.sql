-- decision_details: one row per complaint item with a rejected or restored event by $as_of;
-- grain (complaint_id, listing_id, event): the latest such event's detail (untrusted, verbatim).
with events as (
    select complaint_id, listing_id, event, occurred_at, detail
    from outcome_events
    where event in ('rejected', 'restored') and occurred_at <= $as_of
),
latest as (
    select complaint_id, listing_id, event, occurred_at, detail,
           row_number() over (partition by complaint_id, listing_id, event order by occurred_at desc) as position
    from events
)
select complaint_id, listing_id, event, occurred_at, detail
from latest
where position = 1
