-- seller_listings: one row per listing of the seller ($platform, $seller_id) detected by $as_of and of
-- $brand (null: any; staging/listings_known), newest first: the Repeat offenders page's seller view.
-- Title and seller name are untrusted seller text: shown as text only.
-- The columns are staging/stg_listings' (its order), less the row id, the seller's id (the view is
-- one seller's), the seller's country and the raw extra: the column list lives in one place.
select * exclude (listing_key, seller_id, seller_country, extra)
from listings_known
where seller_id = $seller_id
order by detected_at desc, listing_id
