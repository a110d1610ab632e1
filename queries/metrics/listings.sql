-- metrics/listings: one row per listing in the store of the snapshot's $platform and $brand (null:
-- any), with the columns the metrics, the rows behind a figure and the queues read. Not filtered
-- by time: an item's brand and value come from its listing whenever it was detected.
with source as (
    select * from listings
    where ($platform is null or platform = $platform)
        and ($brand is null or brand = $brand)
),

renamed as (
    select
        platform,
        listing_id,
        url,
        title,
        seller_id,
        seller_name,
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
