-- complaint_item_status: one row per complaint item with its status as of now (SPEC 3).
-- The status comes from the item's last event; ties on occurred_at are broken in the order
-- counter_notice < counter_notice_rejected < counter_notice_accepted < withdrawn < rejected
-- < removed < restored (the later in that list wins). No event: 'submitted'.
create or replace view complaint_item_status as
with events as (
    select
        complaint_id,
        listing_id,
        event,
        occurred_at,
        case event
            when 'counter_notice' then 1
            when 'counter_notice_rejected' then 2
            when 'counter_notice_accepted' then 3
            when 'withdrawn' then 4
            when 'rejected' then 5
            when 'removed' then 6
            when 'restored' then 7
        end as tie_rank
    from outcome_events
    where occurred_at <= now()::timestamp
),

last_event as (
    select complaint_id, listing_id, event, occurred_at
    from events
    qualify row_number() over (
        partition by complaint_id, listing_id order by occurred_at desc, tie_rank desc
    ) = 1
),

renamed as (
    select
        items.complaint_id,
        items.listing_id,
        items.platform,
        items.account,
        items.reason,
        items.submitted_at,
        last_event.event as last_event,
        last_event.occurred_at as status_at,
        case last_event.event
            when 'counter_notice' then 'counter_noticed'
            when 'counter_notice_rejected' then 'counter_noticed'
            when 'counter_notice_accepted' then 'withdrawn'
            when 'withdrawn' then 'withdrawn'
            when 'removed' then 'removed'
            when 'rejected' then 'rejected'
            when 'restored' then 'restored'
            else 'submitted'
        end as status
    from complaint_items as items
    left join last_event using (complaint_id, listing_id)
)

select * from renamed
