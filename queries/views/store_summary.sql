-- store_summary: one row per table of the store with its row count, then the orphan counts and the
-- count of outcome events that precede their item's submission.
create or replace view store_summary as
with counts as (
    select 'listings' as name, count(*) as row_count from listings
    union all select 'complaint_items', count(*) from complaint_items
    union all select 'outcome_events', count(*) from outcome_events
    union all select 'ip_rights', count(*) from ip_rights
    union all select 'ingest_batches', count(*) from ingest_batches
    union all select 'quarantined_rows', count(*) from quarantined_rows
    union all select 'orphan_complaint_items', count(*) from orphan_complaint_items
    union all select 'orphan_outcome_events', count(*) from orphan_outcome_events
    union all select 'events_before_submission', count(*) from events_before_submission
)

select * from counts
