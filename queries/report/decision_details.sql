-- decision_details: one row per complaint item with a rejected or restored event by $as_of
-- (staging/events_known); grain (complaint_id, listing_id, event): the latest such event's detail
-- (untrusted, verbatim). Latest in the status rule's order (metrics/item_milestones: occurred_at,
-- then the tie order, which cannot split two events of one name), and on an exact tie (a key loaded
-- twice) the row loaded last (SPEC 2: last loaded wins; a batch_id starts with its load time), so
-- the answer never depends on the order DuckDB reads the rows in.
with events as (
    select complaint_id, listing_id, event, occurred_at, detail, batch_id, line
    from events_known
    where event in ('rejected', 'restored')
),

latest as (
    select complaint_id, listing_id, event, occurred_at, detail
    from events
    qualify row_number() over (
        partition by complaint_id, listing_id, event
        order by occurred_at desc, batch_id desc, line desc
    ) = 1
)

select * from latest
