-- What the call said about each escalation: one row per (escalation_id, loaded version).
with source as (
    select * from escalation_log
),
renamed as (
    select escalation_id, call_month, platform_response, agreed_action, follow_up_date, state, loaded_at,
           batch_id
    from source
)
select * from renamed
