-- The escalations the call has raised: one row per escalation (escalations.sql's grain).
with source as (
    select * from escalations
),
renamed as (
    select escalation_id, escalation_kind, first_call_month, complaint_id, listing_id, platform, seller_id,
           account, reason, first_loaded_at
    from source
)
select * from renamed
