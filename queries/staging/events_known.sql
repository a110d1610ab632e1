-- staging/events_known: THE as-of cut of the outcome events: one row per event of
-- stg_outcome_events that occurred by $as_of (SPEC 3), of any item (orphans too: the queries that
-- read it join the items they need).
select *
from stg_outcome_events
where occurred_at <= $as_of
