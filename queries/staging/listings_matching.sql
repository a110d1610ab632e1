-- staging/listings_matching: THE platform and brand filters of the listings: one row per listing of
-- stg_listings of $platform and $brand (null: any) among the viewer's scope $brands (a list; null: all;
-- metrics/filters.Filters.brands). Every query that reads listings under the
-- filters reads this (or listings_known); the items' filters are metrics/matching_items.
select *
from stg_listings
where ($platform is null or platform = $platform)
    and ($brand is null or brand = $brand)
    and ($brands is null or list_contains($brands, brand))
