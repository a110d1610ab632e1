-- prediction/filed_items: one row per complaint item submitted in [$since, $until) matching
-- $platform, $account, $reason, $ipr_type and $brand (its listing's brand; null: any) within the
-- scope $brands and $accounts (lists; null: all), as a filing of prediction/filing_features: its
-- known_at = least(submitted_at, $as_of), and window_start = known_at - $account_window.
with items as (
    select
        *,
        least(submitted_at, $as_of) as known_at,
        least(submitted_at, $as_of) - $account_window as window_start
    from stg_complaint_items
    where submitted_at >= $since
        and submitted_at < $until
        and ($platform is null or platform = $platform)
        and ($account is null or account = $account)
        and ($reason is null or reason = $reason)
        and ($ipr_type is null or ipr_type = $ipr_type)
        and ($accounts is null or list_contains($accounts, account))
)

select *
from items
where ($brand is null and $brands is null) or exists (
    select 1 from stg_listings as branded
    where branded.platform = items.platform and branded.listing_id = items.listing_id
        and ($brand is null or branded.brand = $brand)
        and ($brands is null or list_contains($brands, branded.brand))
)
