-- prediction/filing_features: one row per filing of `filings` (a relation the caller registers:
-- prediction/filed_items, the complaint items of a period; or prediction/backlog_filings, the
-- complaints the backlog's listings would get), with what was known of it when it was filed: at its
-- known_at (least(submitted_at, $as_of) for an item; $as_of for a backlog listing), never later.
-- `filings` holds item_id, complaint_id, listing_id, platform, seller_id, enforcement_type,
-- ipr_type, ipr_registration, reason, account, submitted_at, known_at, window_start (known_at -
-- the account window).
--
-- The as-of rule, per source:
--   outcome events   count only when occurred_at < known_at (and <= $as_of), of items submitted by
--                    $as_of, and never before their own item's submission (an event dated before its
--                    item, a data error, could only be the item's own outcome leaking back)
--   listings         the item's listing counts only when detected_at <= known_at (brand, title, price)
--   ip_rights        the stored row (the table keeps no history: its ipp_status is today's); the
--                    right's expiry is compared with known_at
-- Seller history: the seller's (platform, seller_id) earlier items' removals, rejections,
-- restorations and counter-notices. Account rate: the same account and reason's removals and
-- rejections + restorations in the 90 days before known_at.
with items as (
    select * from filings
),

history_events as (
    select complaint_items.platform, complaint_items.seller_id, complaint_items.account,
        complaint_items.reason, events.event, events.occurred_at
    from outcome_events as events
    join complaint_items using (complaint_id, listing_id)
    where events.occurred_at <= $as_of
        and complaint_items.submitted_at <= $as_of
        and events.occurred_at >= complaint_items.submitted_at
        and events.event in ('removed', 'rejected', 'restored', 'counter_notice')
),

-- Running totals as cumulative window sums: each filing is a probe row put in its seller's (and its
-- account and reason's) event stream at its known_at, ordered before the events of the same instant
-- (an event counts only when occurred_at < known_at), so the sum of the events up to the probe row
-- is the history known then. One sort per stream, no join per filing.
-- The streams start at the earliest probe, so that the window sums sort the filings' span of time,
-- not the whole history (a trailing training window, a month to predict): a seller's events before
-- the first filing's known_at count for every one of its filings (each known_at is later), so they
-- enter its stream as one row of their sums, dated at the last of them (before every probe); an
-- account's events before the earliest window_start count both in "now" and in "then", whose
-- difference is the 90-day figure, so they are left out. The sums are the same as over the whole
-- stream (tests/prediction/test_prediction_features.py compares the two on random stores).
stream_start as (
    select min(known_at) as seller_from, min(window_start) as account_from
    from items
),

seller_events as (
    select platform, seller_id, occurred_at,
        cast(event = 'removed' as integer) as removed, cast(event = 'rejected' as integer) as rejected,
        cast(event = 'restored' as integer) as restored, cast(event = 'counter_notice' as integer) as counter_notice
    from history_events
    where platform is not null and seller_id is not null
),

seller_stream as (
    select platform, seller_id, known_at as instant, 0 as is_event, item_id,
        0 as removed, 0 as rejected, 0 as restored, 0 as counter_notice
    from items
    where platform is not null and seller_id is not null
    union all
    select platform, seller_id, max(occurred_at), 1, null,
        cast(sum(removed) as integer), cast(sum(rejected) as integer), cast(sum(restored) as integer),
        cast(sum(counter_notice) as integer)
    from seller_events
    where occurred_at < (select seller_from from stream_start)
    group by platform, seller_id
    union all
    select platform, seller_id, occurred_at, 1, null, removed, rejected, restored, counter_notice
    from seller_events
    where occurred_at >= (select seller_from from stream_start)
),

seller_history as (
    select item_id, removals, rejections, restorations, counter_notices
    from (
        select
            is_event, item_id,
            sum(removed) over seller_order as removals,
            sum(rejected) over seller_order as rejections,
            sum(restored) over seller_order as restorations,
            sum(counter_notice) over seller_order as counter_notices
        from seller_stream
        window seller_order as (partition by platform, seller_id order by instant, is_event
                                rows unbounded preceding)
    )
    where is_event = 0
),

-- The account's stream holds two probes per filing: at known_at (now) and at window_start (then);
-- the 90-day figures are now - then.
account_stream as (
    select account, reason, known_at as instant, 0 as is_event, item_id, true as is_now, 0 as removed, 0 as failed
    from items
    where account is not null and reason is not null
    union all
    select account, reason, window_start, 0, item_id, false, 0, 0
    from items
    where account is not null and reason is not null
    union all
    select account, reason, occurred_at, 1, null, null,
        cast(event = 'removed' as integer), cast(event in ('rejected', 'restored') as integer)
    from history_events
    where account is not null and reason is not null
        and occurred_at >= (select account_from from stream_start)
),

account_history as (
    select
        item_id,
        sum(case when is_now then removals else -removals end) as removals,
        sum(case when is_now then failures else -failures end) as failures
    from (
        select
            is_event, item_id, is_now,
            sum(removed) over account_order as removals,
            sum(failed) over account_order as failures
        from account_stream
        window account_order as (partition by account, reason order by instant, is_event rows unbounded preceding)
    )
    where is_event = 0
    group by item_id
),

with_history as (
    select
        items.*,
        coalesce(seller.removals, 0) as seller_removals,
        coalesce(seller.rejections, 0) as seller_rejections,
        coalesce(seller.restorations, 0) as seller_restorations,
        coalesce(seller.counter_notices, 0) as seller_counter_notices,
        coalesce(account.removals, 0) as account_reason_removals_90d,
        coalesce(account.failures, 0) as account_reason_failures_90d
    from items
    left join seller_history as seller using (item_id)
    left join account_history as account using (item_id)
)

select
    with_history.item_id,
    with_history.complaint_id,
    with_history.listing_id,
    with_history.submitted_at,
    with_history.known_at,
    with_history.platform,
    with_history.account,
    with_history.reason,
    with_history.ipr_type,
    with_history.enforcement_type,
    listings.brand,
    listings.title,
    listings.price,
    listings.currency,
    coalesce(rights.ipp_status, case when rights.registration is null then 'not_in_store' else 'unknown' end)
        as right_status,
    case when rights.expires_on is null then null else rights.expires_on < cast(with_history.known_at as date) end
        as right_expired,
    date_diff('day', cast(with_history.known_at as date), rights.expires_on) as right_days_to_expiry,
    with_history.seller_removals,
    with_history.seller_rejections,
    with_history.seller_restorations,
    with_history.seller_counter_notices,
    with_history.account_reason_removals_90d,
    with_history.account_reason_failures_90d
from with_history
left join (
    select platform, listing_id, detected_at, brand, title, cast(price as double) as price, currency
    from listings
) as listings
    on listings.platform = with_history.platform and listings.listing_id = with_history.listing_id
    and listings.detected_at <= with_history.known_at
left join ip_rights as rights on rights.registration = with_history.ipr_registration
