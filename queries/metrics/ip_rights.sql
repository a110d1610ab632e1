-- metrics/ip_rights: one row per registered right of the brand of the snapshot's $brand and
-- $ipr_type (null: any) among the scope's $brands (null: all), with the columns the queues read.
with source as (
    select * from stg_ip_rights
    where ($brand is null or brand = $brand)
        and ($brands is null or list_contains($brands, brand))
        and ($ipr_type is null or ipr_type = $ipr_type)
),

renamed as (
    select registration, ipr_type, brand, jurisdiction, expires_on, ipp_status
    from source
)

select * from renamed
