-- listings_detected: one row, the number of listings of $platform and $brand (null: any) detected
-- in [$start, $end) and by $as_of (staging/listings_known): the first stage of the Overview's
-- funnel. A listing has no account.
with source as (
    select detected_at from listings_known
),

renamed as (
    select count(*) filter (where detected_at >= $start and detected_at < $end) as listings_detected
    from source
)

select * from renamed
