-- metrics/counter_noticed_items: the keys (complaint_id, listing_id) of the items with a counter-notice
-- event, at any time: a superset of the items whose last event is one (the Action queue's counter-notices
-- awaiting an answer), whose facts the queue then loads (metrics.narrow). No rule here.
select distinct complaint_id, listing_id
from stg_outcome_events
where event = 'counter_notice'
