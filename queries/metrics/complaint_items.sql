-- metrics/complaint_items: one row per complaint item known at $as_of (submitted_at <= $as_of)
-- and submitted in [$since, $until), with its listing's brand and value columns (null when the
-- item has no listing: a storefront complaint, or a listing not loaded yet). item_id is the
-- item's row id in the store: metrics/outcome_events refers to items by it.
with source as (
    select rowid as item_id, *
    from complaint_items
    where submitted_at <= $as_of
        and submitted_at >= $since
        and submitted_at < $until
),

listing_values as (
    select platform, listing_id, brand, cast(price as double) as price, currency, units_sold
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
        listing_values.units_sold
    from source
    left join listing_values using (platform, listing_id)
)

select * from renamed
