-- orphan_complaint_items: one row per listing complaint item whose listing is not (yet) in listings.
-- Stored, never dropped; shown in data quality until the listing arrives.
create or replace view orphan_complaint_items as
with renamed as (
    select items.complaint_id, items.listing_id, items.platform, items.batch_id, items.line
    from complaint_items as items
    anti join listings using (platform, listing_id)
    where items.enforcement_type = 'listing'
)

select * from renamed
