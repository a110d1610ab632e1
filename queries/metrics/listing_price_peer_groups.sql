-- metrics/listing_price_peer_groups: one row per peer group (platform, category_group, brand_group,
-- product_line_group) of the registered frame `price_points` with a listing detected in
-- ($as_of - $window_days days, $as_of], with the statistics of those priced listings: the peers of
-- every listing of the group as of $as_of. The same peers as metrics.price_windows gives a
-- listing detected at $as_of (a test holds the two together), as one aggregate per group instead
-- of a window per listing. The mean absolute deviation (around the mean) is the rule's fallback
-- when the MAD is 0.
with peers as (
    select *
    from price_points
    where price_usd is not null
        and anchor_at > $as_of - to_days(cast($window_days as integer))
        and anchor_at <= $as_of
),

statistics as (
    select
        platform,
        category_group,
        brand_group,
        product_line_group,
        count(price_usd) as peer_count,
        avg(price_usd) as peer_mean_usd,
        median(price_usd) as peer_median_usd,
        mad(price_usd) as peer_mad_usd
    from peers
    group by all
),

mean_deviations as (
    select
        statistics.platform,
        statistics.category_group,
        statistics.brand_group,
        statistics.product_line_group,
        avg(abs(peers.price_usd - statistics.peer_mean_usd)) as peer_mean_absolute_deviation_usd
    from statistics
    inner join peers
        on peers.platform = statistics.platform
        and peers.category_group is not distinct from statistics.category_group
        and peers.brand_group is not distinct from statistics.brand_group
        and peers.product_line_group is not distinct from statistics.product_line_group
    group by all
)

select
    statistics.*,
    mean_deviations.peer_mean_absolute_deviation_usd
from statistics
left join mean_deviations
    on mean_deviations.platform = statistics.platform
    and mean_deviations.category_group is not distinct from statistics.category_group
    and mean_deviations.brand_group is not distinct from statistics.brand_group
    and mean_deviations.product_line_group is not distinct from statistics.product_line_group
