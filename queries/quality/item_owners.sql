-- quality/item_owners (data quality within a viewer's scope): one row per complaint item of the complaint
-- ids $complaint_ids (a list) with its account and its listing's brand (null: no listing loaded), and
-- per listing of the listing ids $listing_ids its platform and brand: what a quarantined row of
-- complaints, outcomes or escalations that names them belongs to (quality_scope.quarantine_owners).
with wanted_complaints as (
    select distinct unnest($complaint_ids::varchar[]) as complaint_id
),

listing_brands as (
    select platform, listing_id, brand
    from listings
),

items as (
    select items.complaint_id, items.listing_id, items.platform, items.account, listing_brands.brand
    from complaint_items as items
    join wanted_complaints using (complaint_id)
    left join listing_brands using (platform, listing_id)
),

wanted_listings as (
    select distinct unnest($listing_ids::varchar[]) as listing_id
),

listings_named as (
    select null::varchar as complaint_id, listing_id, platform, null::varchar as account, brand
    from listing_brands
    join wanted_listings using (listing_id)
)

select * from items
union all
select * from listings_named
