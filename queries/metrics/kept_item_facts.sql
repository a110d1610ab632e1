-- metrics/kept_item_facts: the item_facts rows (queries/schema/item_facts) of the keys in
-- touched_item_keys (complaint_id, listing_id, item_id: a number per key), given by
-- takedown.item_facts with `milestones`: queries/metrics/item_milestones.sql, the one
-- definition, run over all their events with $as_of past every event. One row per key with events.
-- settled_at: from then on no event and no response deadline is left to change the milestones.
select
    keys.complaint_id,
    keys.listing_id,
    milestones.* exclude (item_id),
    greatest(milestones.status_at, list_max(milestones.missed_notices) + $response_window) as settled_at,
    $definition as definition
from milestones
join touched_item_keys as keys using (item_id)
