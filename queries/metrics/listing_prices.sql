-- metrics/listing_prices: one row per listing detected by $as_of (null: any time), with what the
-- abnormal-price flag reads: its price and currency, when it was detected, and its peer group's
-- columns. category is the export's category column kept in `extra` (an unknown column, header
-- matched like the contract's: case-insensitive, spaces and hyphens as underscores), product_line
-- likewise; an empty value counts as none. Every row of an ingest batch holds the same `extra`
-- keys (its file's unknown columns), so the keys are looked up once per batch and only the rows
-- of batches that have such a column are parsed.
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

source as (
    select listings.*, extra_keys.category_key, extra_keys.product_line_key
    from listings
    left join extra_keys using (batch_id)
    where $as_of is null or listings.detected_at <= $as_of
),

renamed as (
    select
        platform,
        listing_id,
        brand,
        case when category_key is not null then nullif(trim(extra ->> category_key), '') end as category,
        case when product_line_key is not null then nullif(trim(extra ->> product_line_key), '') end
            as product_line,
        cast(price as double) as price,
        currency,
        detected_at
    from source
)

select * from renamed
