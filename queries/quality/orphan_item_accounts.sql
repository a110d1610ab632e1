-- quality/orphan_item_accounts (data quality within a viewer's scope): one row per orphan complaint item
-- (views/orphan_complaint_items: its listing is not loaded, so it has no brand) with its IPP account.
with source as (
    select orphans.complaint_id, orphans.listing_id, orphans.platform, items.account, orphans.batch_id, orphans.line
    from orphan_complaint_items as orphans
    join complaint_items as items using (complaint_id, listing_id)
)

select * from source
order by complaint_id, listing_id
