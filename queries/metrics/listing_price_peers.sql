-- metrics/listing_price_peers: one row per row of the registered frame `price_points` (a listing,
-- anchor_at its own detected_at, or a peer group's probe at an as-of time, price_usd null), with the
-- statistics of its peers: the priced listings of the same peer group (platform, category_group,
-- brand_group, product_line_group) detected in (anchor_at - $window_days days, anchor_at]. The one definition of
-- the abnormal-price flag's peers; metrics/prices.py applies the rule to these figures.
-- peer_mean_absolute_deviation (around the mean) is computed only where peer_mad is 0 and there
-- are at least $min_peers peers: the rule's only use of it.
with points as (
    select
        *,
        count(price_usd) over peers as peer_count,
        avg(price_usd) over peers as peer_mean_usd,
        median(price_usd) over peers as peer_median_usd,
        mad(price_usd) over peers as peer_mad_usd
    from price_points
    window peers as (
        partition by platform, category_group, brand_group, product_line_group
        order by anchor_at
        range between (to_days(cast($window_days as integer)) - interval 1 microsecond) preceding and current row
    )
),

mean_deviations as (
    select
        p.point_id,
        avg(abs(q.price_usd - p.peer_mean_usd)) as peer_mean_absolute_deviation_usd
    from points as p
    inner join price_points as q
        on q.platform = p.platform
        and q.category_group is not distinct from p.category_group
        and q.brand_group is not distinct from p.brand_group
        and q.product_line_group is not distinct from p.product_line_group
        and q.anchor_at > p.anchor_at - to_days(cast($window_days as integer))
        and q.anchor_at <= p.anchor_at
        and q.price_usd is not null
    where p.peer_mad_usd = 0 and p.peer_count >= $min_peers
    group by p.point_id
)

select
    points.point_id,
    points.peer_count,
    points.peer_mean_usd,
    points.peer_median_usd,
    points.peer_mad_usd,
    mean_deviations.peer_mean_absolute_deviation_usd
from points
left join mean_deviations using (point_id)
order by points.point_id
