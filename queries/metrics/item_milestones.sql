-- metrics/item_milestones: THE definition of a complaint item's status at T and of the milestones
-- of its life (SPEC section 3); takedown.metrics.status runs it over the store or over frames.
--
-- Reads `known_events` (item_id, event, occurred_at): the events that occurred by $as_of of the
-- items asked about. One row per item that has any:
--   last_rank    the position in $tie_order (0-based) of its last event: the latest occurred_at,
--                and on a tie the event later in $tie_order (SPEC's tie order)
--   status_at    when that last event occurred
--   first_removed_at, first_decision_at   its first `removed`, and first of $decision_events
--   has_counter_notice
--   missed_notices   each distinct counter_notice instant c whose deadline c + $response_window
--                came by $as_of without one of $response_events in [c, c + $response_window]
--                (both ends included), oldest first
with ranked as (
    select
        item_id,
        cast(event as varchar) as event,
        occurred_at,
        coalesce(list_position($tie_order, cast(event as varchar)) - 1,
                 error('unknown event name ' || cast(event as varchar))) as tie_rank
    from known_events
),

notices as (
    select distinct item_id, occurred_at as noticed_at
    from ranked
    where event = 'counter_notice' and occurred_at + $response_window <= $as_of
),

missed as (
    select notices.item_id, list(notices.noticed_at order by notices.noticed_at) as missed_notices
    from notices
    where not exists (
        select 1
        from ranked as answer
        where answer.item_id = notices.item_id
            and list_contains($response_events, answer.event)
            and answer.occurred_at between notices.noticed_at and notices.noticed_at + $response_window
    )
    group by notices.item_id
),

per_item as (
    select
        item_id,
        arg_max(tie_rank, epoch_us(occurred_at) * 8 + tie_rank) as last_rank,
        max(occurred_at) as status_at,
        min(occurred_at) filter (where event = 'removed') as first_removed_at,
        min(occurred_at) filter (where list_contains($decision_events, event)) as first_decision_at,
        bool_or(event = 'counter_notice') as has_counter_notice
    from ranked
    group by item_id
)

select per_item.*, missed.missed_notices
from per_item
left join missed using (item_id)
