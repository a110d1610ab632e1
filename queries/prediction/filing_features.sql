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

-- One row per seller and instant: the seller's running totals up to and including that instant.
seller_steps as (
    select
        platform, seller_id, occurred_at,
        sum(count(*) filter (where event = 'removed')) over seller_order as removals,
        sum(count(*) filter (where event = 'rejected')) over seller_order as rejections,
        sum(count(*) filter (where event = 'restored')) over seller_order as restorations,
        sum(count(*) filter (where event = 'counter_notice')) over seller_order as counter_notices
    from history_events
    group by platform, seller_id, occurred_at
    window seller_order as (partition by platform, seller_id order by occurred_at rows unbounded preceding)
),

-- One row per account, reason and instant: running removals and failures (rejected, restored).
account_steps as (
    select
        account, reason, occurred_at,
        sum(count(*) filter (where event = 'removed')) over account_order as removals,
        sum(count(*) filter (where event in ('rejected', 'restored'))) over account_order as failures
    from history_events
    group by account, reason, occurred_at
    window account_order as (partition by account, reason order by occurred_at rows unbounded preceding)
),

with_history as (
    select
        items.*,
        coalesce(seller.removals, 0) as seller_removals,
        coalesce(seller.rejections, 0) as seller_rejections,
        coalesce(seller.restorations, 0) as seller_restorations,
        coalesce(seller.counter_notices, 0) as seller_counter_notices,
        coalesce(account_now.removals, 0) - coalesce(account_then.removals, 0) as account_reason_removals_90d,
        coalesce(account_now.failures, 0) - coalesce(account_then.failures, 0) as account_reason_failures_90d
    from items
    asof left join seller_steps as seller
        on seller.platform = items.platform and seller.seller_id = items.seller_id
        and items.known_at > seller.occurred_at
    asof left join account_steps as account_now
        on account_now.account = items.account and account_now.reason = items.reason
        and items.known_at > account_now.occurred_at
    asof left join account_steps as account_then
        on account_then.account = items.account and account_then.reason = items.reason
        and items.window_start > account_then.occurred_at
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
