-- metrics/kept_milestones: one row per item of loaded_items (item_id, complaint_id, listing_id, given
-- by the loader) that item_facts keeps (an item with any event), with item_milestones.sql's columns
-- as kept (at the end of time) and `holds`: whether they are its milestones as of $as_of too, which
-- they are when they settled by then and were computed by the definition in use ($definition). The
-- loader recomputes the others from their events (takedown.item_facts); an item without a
-- row has no event.
select
    items.item_id,
    facts.last_rank,
    facts.status_at,
    facts.first_removed_at,
    facts.first_decision_at,
    facts.has_counter_notice,
    facts.missed_notices,
    facts.definition = $definition and facts.settled_at <= $as_of as holds
from loaded_items as items
join item_facts as facts using (complaint_id, listing_id)
