-- seller_listings: one row per listing of the seller ($platform, $seller_id) detected by $as_of and of
-- $brand (null: any; staging/listings_known), newest first: the Repeat offenders page's seller view.
-- Title and seller name are untrusted seller text: shown as text only.
with source as (
    select * from listings_known
    where seller_id = $seller_id
),

renamed as (
    select
        platform,
        listing_id,
        url,
        title,
        seller_name,
        brand,
        infringement_type,
        price,
        currency,
        units_sold,
        risk_score,
        detected_at
    from source
)

select * from renamed
order by detected_at desc, listing_id
