-- item_facts: one row per complaint item key (complaint_id, listing_id; listing_id '' for a
-- storefront) that has any outcome event, its complaint loaded or not yet (events may come first):
-- the item's milestones at the end of time, as queries/metrics/item_milestones.sql computes them
-- with $as_of past every event (takedown.item_facts). Kept by ingest in the transaction
-- that writes the item's events, for the keys that transaction touches; built whole by the first
-- writer that opens a store without it (or kept by another definition). A view as of T reads an
-- item's row as its milestones at T when settled_at <= T, and recomputes the item otherwise.
create table if not exists item_facts (
    complaint_id        varchar   not null,
    listing_id          varchar   not null,
    last_rank           bigint    not null,  -- item_milestones.sql's: the last event's place in the tie order
    status_at           timestamp not null,  -- UTC: when its last event occurred
    first_removed_at    timestamp,           -- UTC: its first `removed` (null: none)
    first_decision_at   timestamp,           -- UTC: its first removed or rejected (null: none)
    has_counter_notice  boolean   not null,
    missed_notices      timestamp[],         -- the counter-notices never answered in the window, oldest first
    settled_at          timestamp not null,  -- UTC: from here on these are its milestones at any T (its
                                             -- last event, or its last missed notice's deadline if later)
    definition          bigint    not null   -- the definition that computed them (item_facts.definition_key)
);
