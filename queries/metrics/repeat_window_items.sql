-- metrics/repeat_window_items: the listing items (enforcement_type listing) of matching_items
-- (metrics/matching_items, given by the loader) of the item's listing's $brand (null: any) and the scope's $brands (null: all), with the
-- columns the repeat-offender rule and the status read. The brand is checked by a semi-join on the
-- listings of the filters (staging/listings_matching: the items are of $platform already), so no
-- listing is read when no brand filter is set.
with branded as (
    select platform, listing_id
    from listings_matching
    where $brand is not null or $brands is not null  -- folded away without a brand filter or scope
)

select item_id, complaint_id, listing_id, platform, seller_id, submitted_at
from matching_items
where enforcement_type = 'listing'
    and (($brand is null and $brands is null) or (platform, listing_id) in (select (platform, listing_id) from branded))
