-- metrics/listing_sightings: one row per seller (platform, seller_id) with a listing of the
-- snapshot's $platform and $brand (null: any) detected by $as_of (staging/listings_known): when its
-- first and its last listing was detected (the repeat-offender queue's first_seen and last_seen
-- read them). The same figures as repeat_offenders.listing_sightings over a frame.
with source as (
    select platform, seller_id, detected_at from listings_known
),

renamed as (
    select
        platform,
        seller_id,
        min(detected_at) as first_detected_at,
        max(detected_at) as last_detected_at
    from source
    group by platform, seller_id
)

select * from renamed
