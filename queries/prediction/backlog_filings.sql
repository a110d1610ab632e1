-- prediction/backlog_filings: the complaints the backlog's listings would get, as filings of
-- prediction/filing_features dated $as_of: per listing of `backlog_listings` (a relation the caller
-- registers: listing_number, platform, listing_id, seller_id, brand, infringement_type), one row
-- `cited` (the right the team would cite) and one row `alternative` per other right of its brand.
--
-- The team's habit, from its complaint items submitted by $as_of whose listing is known: the
-- (account, reason, ipr_type, ipr_registration) it filed most often for listings of the same brand
-- and infringement type (ties: the latest filed, then by name); a listing whose brand was never
-- filed against that type takes the brand's habit over every type; a brand never filed on gets no
-- filing (nothing to predict from). The alternatives: each right of the brand in ip_rights other
-- than the cited one, filed by the cited account with the reason the brand used most with that
-- right's ipr_type (else the store's most used reason for that ipr_type; none: not an alternative).
with filed as (
    select
        stg_listings.brand,
        stg_listings.infringement_type,
        stg_complaint_items.account,
        stg_complaint_items.reason,
        stg_complaint_items.ipr_type,
        stg_complaint_items.ipr_registration,
        stg_complaint_items.submitted_at
    from stg_complaint_items
    join stg_listings using (platform, listing_id)
    where stg_complaint_items.submitted_at <= $as_of
        and stg_listings.detected_at <= $as_of
        and stg_complaint_items.enforcement_type = 'listing'
),

habits as (
    select brand, infringement_type, account, reason, ipr_type, ipr_registration,
        count(*) as items, max(submitted_at) as latest
    from filed
    group by all
),

habit_by_type as (
    select *
    from habits
    qualify row_number() over (partition by brand, infringement_type
        order by items desc, latest desc, account, reason, ipr_registration) = 1
),

habit_by_brand as (
    select brand, account, reason, ipr_type, ipr_registration
    from (
        select brand, account, reason, ipr_type, ipr_registration, sum(items) as items, max(latest) as latest
        from habits
        group by all
    )
    qualify row_number() over (partition by brand order by items desc, latest desc, account, reason,
        ipr_registration) = 1
),

cited as (
    select
        backlog.listing_number,
        backlog.platform,
        backlog.listing_id,
        backlog.seller_id,
        backlog.brand,
        coalesce(by_type.account, by_brand.account) as account,
        coalesce(by_type.reason, by_brand.reason) as reason,
        coalesce(by_type.ipr_type, by_brand.ipr_type) as ipr_type,
        case when by_type.brand is not null then by_type.ipr_registration else by_brand.ipr_registration end
            as ipr_registration
    from backlog_listings as backlog
    left join habit_by_type as by_type
        on by_type.brand = backlog.brand and by_type.infringement_type = backlog.infringement_type
    left join habit_by_brand as by_brand on by_brand.brand = backlog.brand
),

reason_by_brand_type as (
    select brand, ipr_type, reason
    from (select brand, ipr_type, reason, sum(items) as items from habits group by all)
    qualify row_number() over (partition by brand, ipr_type order by items desc, reason) = 1
),

reason_by_type as (
    select ipr_type, reason
    from (select ipr_type, reason, sum(items) as items from habits group by all)
    qualify row_number() over (partition by ipr_type order by items desc, reason) = 1
),

alternatives as (
    select
        cited.listing_number,
        cited.platform,
        cited.listing_id,
        cited.seller_id,
        cited.brand,
        cited.account,
        coalesce(by_brand.reason, by_type.reason) as reason,
        rights.ipr_type,
        rights.registration as ipr_registration
    from cited
    join stg_ip_rights as rights on rights.brand = cited.brand
    left join reason_by_brand_type as by_brand on by_brand.brand = cited.brand and by_brand.ipr_type = rights.ipr_type
    left join reason_by_type as by_type on by_type.ipr_type = rights.ipr_type
    where cited.account is not null
        and rights.registration is distinct from cited.ipr_registration
        and coalesce(by_brand.reason, by_type.reason) is not null
),

candidates as (
    select 'cited' as choice, * from cited where account is not null
    union all
    select 'alternative' as choice, * from alternatives
)

select
    choice,
    listing_number,
    cast(null as varchar) as complaint_id,
    listing_id,
    platform,
    seller_id,
    'listing' as enforcement_type,
    ipr_type,
    ipr_registration,
    reason,
    account,
    $as_of as submitted_at,
    $as_of as known_at,
    $as_of - $account_window as window_start
from candidates
order by listing_number, choice desc, ipr_registration
