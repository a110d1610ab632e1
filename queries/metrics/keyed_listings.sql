-- metrics/keyed_listings: one row per listing in the store of the snapshot's $platform and $brand
-- (null: any), with the columns the queues read; not its free text (url, title, seller_name:
-- metrics/listing_text fetches those by listing_key for the rows shown). listing_key is the
-- listing's row id in the store (metrics/complaint_items gives each item its listing's). Not
-- filtered by time: the queues place listings by detected_at themselves.
with source as (
    select rowid as listing_key, * from listings
    where ($platform is null or platform = $platform)
        and ($brand is null or brand = $brand)
),

renamed as (
    select
        listing_key,
        platform,
        listing_id,
        seller_id,
        brand,
        infringement_type,
        cast(price as double) as price,
        currency,
        units_sold,
        risk_score,
        detected_at
    from source
)

select * from renamed
