-- metrics/listing_prices: one row per listing detected by $as_of (listings_known; the peers are
-- every brand's, so $platform, $brand and $brands are null), with what the abnormal-price flag
-- reads: its price and currency, when it was detected, and its peer group's columns (category and
-- product_line: staging/listing_peer_columns; null when its file had no such column).
select
    listings_known.platform,
    listings_known.listing_id,
    listings_known.brand,
    listing_peer_columns.category,
    listing_peer_columns.product_line,
    listings_known.price,
    listings_known.currency,
    listings_known.detected_at
from listings_known
left join listing_peer_columns using (listing_key)
