-- metrics/unreported_listings: one row per listing of the snapshot's $platform and $brand (null:
-- any) detected by $as_of (staging/listings_known) whose row id is not in reported_listings
-- (listing_key: the listings the snapshot's listing items name, from metrics/complaint_items): the
-- high-risk backlog's candidates, with the columns it ranks by; not their free text
-- (metrics/listing_text fetches that by listing_key for the rows shown). listing_key is the
-- listing's row id (metrics/complaint_items gives each item its listing's).
-- The columns are staging/stg_listings' (its order), less the free text and the unranked ones: the
-- column list lives in one place.
select * exclude (url, title, seller_name, seller_country, extra)
from listings_known
where listing_key not in (select listing_key from reported_listings where listing_key is not null)
