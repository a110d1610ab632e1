-- metrics/complaint_items: the items a snapshot holds: one row per item of matching_items
-- (metrics/matching_items, given by the loader) of the item's listing's $brand (null: any) among the scope's $brands (null: all), with
-- its listing's brand and value columns (null when the item has no listing: a storefront
-- complaint, or a listing not loaded yet). listing_key is its listing's row id
-- (metrics/unreported_listings, metrics/listing_text), null without one.
with listing_values as (
    select listing_key, platform, listing_id, brand, price, currency, units_sold
    from stg_listings
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
    from matching_items as source
    left join listing_values using (platform, listing_id)
    where ($brand is null or listing_values.brand = $brand)
        and ($brands is null or list_contains($brands, listing_values.brand))
)

select * from renamed
