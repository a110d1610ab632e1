-- metrics/matching_items: the complaint items a snapshot holds, but for the brand filter: one row per
-- item known at $as_of (submitted_at <= $as_of), submitted in [$since, $until), matching $platform,
-- $account, $reason and $ipr_type (null: any) and of the viewer's scope $accounts (a list; null:
-- all), with the columns of staging/stg_complaint_items.
-- THE item window and the items' as-of cut and filters: every query of items reads it. item_id is the
-- item's row id in the store (metrics/outcome_events refers to items by it). $brand, the item's
-- listing's brand, is applied by the query reading these rows where it reads the listings anyway:
-- metrics/complaint_items through its join to the listings, metrics/repeat_window_items (which reads
-- no listing otherwise) through a semi-join. Either way an item without a listing matches no brand.
select *
from stg_complaint_items
where submitted_at <= $as_of
    and submitted_at >= $since
    and submitted_at < $until
    and ($platform is null or platform = $platform)
    and ($account is null or account = $account)
    and ($accounts is null or list_contains($accounts, account))
    and ($reason is null or reason = $reason)
    and ($ipr_type is null or ipr_type = $ipr_type)
