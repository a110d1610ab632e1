-- metrics/listings: one row per listing in the store, with the columns the metrics and queues read.
-- Not filtered by time: an item's brand and value come from its listing whenever it was detected.
with source as (
    select * from listings
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
