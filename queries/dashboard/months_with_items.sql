-- months_with_items: one row per calendar month (YYYY-MM) in the report time zone $timezone in which a
-- complaint item was submitted, newest first: the month picker's choices. THE item's month in SQL
-- (metrics.trends.item_month is the same rule over frames): its submitted_at (UTC) read in $timezone.
with source as (
    select submitted_at from stg_complaint_items
),

renamed as (
    select distinct strftime(timezone($timezone, submitted_at at time zone 'UTC'), '%Y-%m') as month
    from source
)

select * from renamed
order by month desc
