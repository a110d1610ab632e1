-- staging/listings_known: THE as-of cut of the listings: one row per listing of listings_matching
-- ($platform, $brand) detected by $as_of (SPEC 3: the store as it was known at T).
select *
from listings_matching
where detected_at <= $as_of
