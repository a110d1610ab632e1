-- report/listings: one row per listing of $platform and $brand (null: any) detected by $as_of
-- (staging/listings_known); grain (platform, listing_id). Without its text: the report's sellers' names
-- and seller networks fetch the text of the listings they read by listing_key (metrics/listing_text).
with source as (
    select platform, listing_id, seller_id, detected_at, listing_key
    from listings_known
),

renamed as (
    select platform, listing_id, seller_id, detected_at, listing_key
    from source
)

select * from renamed
