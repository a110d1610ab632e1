-- metrics/listing_text: one row per listing whose row id is in wanted_listings (listing_key: the
-- keys of the rows a view shows, given by the loader), with the free text a person reads. Read by
-- row id so that only those rows are fetched, never the whole table's text.
with source as (
    select listing_key, url, title, seller_name
    from stg_listings
    where listing_key in (select listing_key from wanted_listings)
),

renamed as (
    select listing_key, url, title, seller_name
    from source
)

select * from renamed
