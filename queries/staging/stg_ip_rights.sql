-- staging/stg_ip_rights: one row per registered right (key registration), the columns the metrics
-- read. A CTE the loader writes in front of the queries that name it (see staging/stg_listings).
with source as (
    select * from ip_rights
),

renamed as (
    select registration, ipr_type, brand, jurisdiction, expires_on, ipp_status
    from source
)

select * from renamed
