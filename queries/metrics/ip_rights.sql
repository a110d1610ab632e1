-- metrics/ip_rights: one row per registered right of the brand, with the columns the queues read.
with source as (
    select * from ip_rights
),

renamed as (
    select registration, ipr_type, brand, jurisdiction, expires_on, ipp_status
    from source
)

select * from renamed
