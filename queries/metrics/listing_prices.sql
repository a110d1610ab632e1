-- metrics/listing_prices: one row per listing detected by $as_of (null: any time), with what the
-- abnormal-price flag reads: its price and currency, when it was detected, and its peer group's
-- columns. category is the export's category column kept in `extra` (an unknown column, header
-- matched like the contract's: case-insensitive, spaces and hyphens as underscores), product_line
-- likewise; an empty value counts as none.
with source as (
    select
        *,
        list_filter(json_keys(extra), lambda k: regexp_replace(lower(trim(k)), '[ -]', '_', 'g') = 'category')[1]
            as category_key,
        list_filter(json_keys(extra), lambda k: regexp_replace(lower(trim(k)), '[ -]', '_', 'g') = 'product_line')[1]
            as product_line_key
    from listings
    where $as_of is null or detected_at <= $as_of
),

renamed as (
    select
        platform,
        listing_id,
        brand,
        nullif(trim(extra ->> category_key), '') as category,
        nullif(trim(extra ->> product_line_key), '') as product_line,
        cast(price as double) as price,
        currency,
        detected_at
    from source
)

select * from renamed
