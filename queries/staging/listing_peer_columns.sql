-- staging/listing_peer_columns: one row per listing (listing_key, as stg_listings) of an ingest batch
-- whose file had a category or product line column, with those values: the abnormal-price flag's
-- peer group (metrics/listing_prices). Both are export columns the contract does not name, kept in
-- `extra`; their header is matched like the contract's (case-insensitive, spaces and hyphens as
-- underscores) and an empty value counts as none. Every row of an ingest batch holds the same
-- `extra` keys (its file's unknown columns), so the keys are looked up once per batch and only the
-- rows of batches that have such a column are parsed.
with extra_keys as (
    select
        batch_id,
        list_filter(json_keys(any_value(extra)),
                    lambda k: regexp_replace(lower(trim(k)), '[ -]', '_', 'g') = 'category')[1] as category_key,
        list_filter(json_keys(any_value(extra)),
                    lambda k: regexp_replace(lower(trim(k)), '[ -]', '_', 'g') = 'product_line')[1] as product_line_key
    from listings
    where extra is not null
    group by batch_id
),

keyed as (
    select batch_id, category_key, product_line_key
    from extra_keys
    where category_key is not null or product_line_key is not null
)

select
    listings.rowid as listing_key,
    case when keyed.category_key is not null then nullif(trim(listings.extra ->> keyed.category_key), '') end
        as category,
    case when keyed.product_line_key is not null then nullif(trim(listings.extra ->> keyed.product_line_key), '') end
        as product_line
from listings
join keyed using (batch_id)
