-- listing_images: one row per listing whose export carried an image URL in its extra columns;
-- grain (platform, listing_id). Headers are kept as exported, so the usual spellings are tried.
with images as (
    select platform, listing_id,
           coalesce(json_extract_string(extra, '$.image_url'), json_extract_string(extra, '$."Image URL"'),
                    json_extract_string(extra, '$.image'), json_extract_string(extra, '$."Image"')) as image_url
    from stg_listings
)
select platform, listing_id, image_url
from images
where image_url is not null and image_url <> ''
