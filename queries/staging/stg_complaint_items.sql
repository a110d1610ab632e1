-- staging/stg_complaint_items: one row per complaint item (key complaint_id, listing_id; listing_id
-- '' for a storefront), with item_id: its row id in the store (events refer to items by it).
-- A CTE the loader writes in front of the queries that name it (see staging/stg_listings).
with source as (
    select rowid as item_id, * from complaint_items
),

renamed as (
    select
        item_id,
        complaint_id,
        platform,
        listing_id,
        seller_id,
        enforcement_type,
        ipr_type,
        ipr_registration,
        reason,
        account,
        submitted_at
    from source
)

select * from renamed
