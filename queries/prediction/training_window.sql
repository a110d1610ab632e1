-- prediction/training_window: where the success model of $as_of starts learning (registry.train_as_of):
-- the submission time of the $items-th latest complaint item submitted by $as_of (its ties too, as
-- every item submitted from then on is read). No row when the store holds fewer: every item counts.
select submitted_at
from stg_complaint_items
where submitted_at <= $as_of
order by submitted_at desc
limit 1 offset $items - 1
