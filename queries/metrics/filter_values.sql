-- metrics/filter_values: the values the store holds for each filter named in $filters (a list of
-- filter names): one row per (filter, value), value never null. platform, account, reason and
-- ipr_type are the items' columns (staging/stg_complaint_items) as ingest stored them (normalised); brand is the listings'
-- (a brand filter keeps the items whose listing has that brand). A filter not in $filters reads
-- nothing. The viewer's scope ($brands, $accounts: lists, null: all) limits the brands and the
-- item values to those of the items it may see (an item's brand is its listing's). Filters' check of a value (metrics/filters.unknown_filter_values) compares against these.
-- Not a duplicate: the union arms are one per filter (a column each); a macro would hide which column.
with scoped_items as (
    select platform, account, reason, ipr_type
    from stg_complaint_items
    where ($accounts is null or list_contains($accounts, account))
        and ($brands is null or (platform, listing_id) in (
            select (platform, listing_id) from stg_listings where list_contains($brands, brand)))
)

select 'platform' as filter, platform as value
from scoped_items
where list_contains($filters, 'platform') and platform is not null
group by platform
union all
select 'account', account
from scoped_items
where list_contains($filters, 'account') and account is not null
group by account
union all
select 'reason', reason
from scoped_items
where list_contains($filters, 'reason') and reason is not null
group by reason
union all
select 'ipr_type', ipr_type
from scoped_items
where list_contains($filters, 'ipr_type') and ipr_type is not null
group by ipr_type
union all
select 'brand', brand
from stg_listings
where list_contains($filters, 'brand') and brand is not null
    and ($brands is null or list_contains($brands, brand))
group by brand
order by filter, value
