-- metrics/listings: one row per listing in the store of the snapshot's $platform and $brand (null:
-- any: staging/listings_matching), with the columns the metrics, the rows behind a figure and the
-- queues read (staging/stg_listings' but the row id, the seller's country and the extra columns).
-- Not filtered by time: an item's brand and value come from its listing whenever it was detected.
with source as (
    select * from listings_matching
),

renamed as (
    select * exclude (listing_key, seller_country, extra)
    from source
)

select * from renamed
