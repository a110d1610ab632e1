-- staging/stg_outcome_events: one row per outcome event (key complaint_id, listing_id, event,
-- occurred_at), with the batch and line that last wrote it (the load order: on an exact tie the
-- row loaded last wins, SPEC 2). A CTE the loader writes in front of the queries that name it (see
-- staging/stg_listings).
with source as (
    select * from outcome_events
),

renamed as (
    select
        complaint_id,
        listing_id,
        event,
        occurred_at,
        detail,
        batch_id,
        line
    from source
)

select * from renamed
