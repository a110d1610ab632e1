-- quarantine_by_rule (data quality): one row per (kind, column, rule) with how many quarantined rows broke
-- it, in how many files, and one example message; the most frequent first.
with reasons as (
    select
        quarantine.kind,
        quarantine.file,
        unnest(from_json(quarantine.reasons, '[{"column": "varchar", "rule": "varchar", "message": "varchar"}]'))
            as reason
    from quarantined_rows as quarantine
),

renamed as (
    select
        kind,
        reason.column as column_name,
        reason.rule as rule,
        count(*) as rows_broken,
        count(distinct file) as files,
        min(reason.message) as example
    from reasons
    group by all
)

select * from renamed
order by rows_broken desc, kind, column_name, rule
