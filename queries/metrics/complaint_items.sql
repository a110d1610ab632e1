-- metrics/complaint_items: one row per complaint item known at $as_of (submitted_at <= $as_of),
-- submitted in [$since, $until) and matching the snapshot's filters, with its listing's brand and
-- value columns (null when the item has no listing: a storefront complaint, or a listing not
-- loaded yet). A null filter ($platform, $account, $reason, $ipr_type, $brand) keeps every item;
-- $brand is the listing's brand, so an item without a listing matches no brand filter.
-- item_id is the item's row id in the store: metrics/outcome_events refers to items by it;
-- listing_key its listing's row id (metrics/keyed_listings, metrics/listing_text), null without one.
with source as (
    select rowid as item_id, *
    from complaint_items
    where submitted_at <= $as_of
        and submitted_at >= $since
        and submitted_at < $until
        and ($platform is null or platform = $platform)
        and ($account is null or account = $account)
        and ($reason is null or reason = $reason)
        and ($ipr_type is null or ipr_type = $ipr_type)
),

listing_values as (
    select rowid as listing_key, platform, listing_id, brand, cast(price as double) as price, currency, units_sold
    from listings
),

renamed as (
    select
        source.item_id,
        source.complaint_id,
        source.listing_id,
        source.platform,
        source.seller_id,
        source.enforcement_type,
        source.ipr_type,
        source.ipr_registration,
        source.reason,
        source.account,
        source.submitted_at,
        listing_values.brand,
        listing_values.price,
        listing_values.currency,
        listing_values.units_sold,
        listing_values.listing_key
    from source
    left join listing_values using (platform, listing_id)
    where $brand is null or listing_values.brand = $brand
)

select * from renamed
