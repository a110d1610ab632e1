-- metrics/repeat_window_items: the listing items (enforcement_type listing) the repeat-offender rule
-- reads (SPEC section 3): submitted by $as_of, in [$since, $until) (a span of the window), matching
-- the snapshot's filters, as metrics/complaint_items chooses them (a null filter keeps every item;
-- $brand is the item's listing's brand). item_id is the item's row id, as in metrics/complaint_items.
with branded as (
    -- the listings of the brand asked for (none when no brand is: the check below is then skipped)
    select platform, listing_id
    from listings
    where brand = $brand
)

select rowid as item_id, complaint_id, listing_id, platform, seller_id, submitted_at
from complaint_items as items
where enforcement_type = 'listing'
    and submitted_at <= $as_of
    and submitted_at >= $since
    and submitted_at < $until
    and ($platform is null or platform = $platform)
    and ($account is null or account = $account)
    and ($reason is null or reason = $reason)
    and ($ipr_type is null or ipr_type = $ipr_type)
    and ($brand is null or (platform, listing_id) in (select (platform, listing_id) from branded))
