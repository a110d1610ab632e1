-- metrics/listing_items: one row per listing-enforcement complaint item known at $as_of and submitted
-- in [$since, $until), with only the columns repeat offenders read (see metrics/complaint_items).
with source as (
    select rowid as item_id, *
    from complaint_items
    where submitted_at <= $as_of
        and submitted_at >= $since
        and submitted_at < $until
        and enforcement_type = 'listing'
),

renamed as (
    select item_id, platform, seller_id, listing_id, enforcement_type, submitted_at
    from source
)

select * from renamed
