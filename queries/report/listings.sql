-- report/listings: one row per listing of $platform and $brand (null: any) detected by $as_of
-- (staging/listings_known), without its text: the report's sellers' names and networks fetch the text
-- of the listings they read by listing_key (metrics/listing_text).
select platform, listing_id, seller_id, detected_at, listing_key
from listings_known
