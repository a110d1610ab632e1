"""Benchmark data: N complaint items with their listings, events and rights, as a store and as exports.

    uv run python benchmarks/generate.py --sizes 100k,1M     # fills the cache, prints what it did

Everything is DuckDB SQL (no Python loops), deterministic, and cached under benchmarks/out/ in a
folder keyed by the size, GENERATOR_VERSION (bump it whenever the data below changes) and the store's
schema (queries/schema: a store of an older schema is never measured), so a second run skips generation. Each folder holds:
  store.duckdb      - a takedown store written straight by SQL (the schema of takedown.store), with
                      each item's kept facts (takedown.item_facts) built once after the rows, as a
                      store fed by `takedown ingest` keeps them (otherwise every reader would
                      compute milestones from the events, and the first writer would rebuild them), and
  exports/*.csv     - listings, complaints, outcomes and ip_rights CSVs cut from that same store in
                      the forms `takedown ingest` accepts (docs/ingest.md), at most EXPORT_ROWS_MAX
                      rows per kind (the ingest stage never loads more; see docs/benchmarks.md)
  generated.json    - how long generation took, in seconds, and the row counts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

from common import OUT, ROOT, measured, parse_sizes, size_label

# Bump when GENERATE or EXPORTS change: the cache key, so stale data is never measured.
GENERATOR_VERSION = 3  # 3: the store keeps its item facts, as ingest would have
# The ingest stage loads files of at most this many rows per kind: a 10M-row export would take the
# 20-minute budget on its own, and the per-row cost is already visible from 100k to 1M.
EXPORT_ROWS_MAX = 1_000_000
KINDS = ("listings", "complaints", "outcomes", "ip_rights")
# DuckDB's memory while generating (it spills to the data folder past it): 100M items must not take
# the machine's memory from everything else on it (DuckDB's default is 80% of RAM).
GENERATE_MEMORY = "6GB"

# N complaint items from 2024-11-01 to 2026-11-01, in submission order like real exports. Written
# straight by SQL, not by `takedown ingest`: a table that ingest derives from these rows must be filled
# here too (after the inserts, by the product's own code), or the benchmark would measure it empty.
GENERATE = """
create macro unit(i, salt) as (hash(i * 7919 + salt) % 1000000) / 1000000.0;

insert into listings by name
select
    ['alibaba', 'aliexpress', 'taobao', 'tmall', 'tmall_global', '1688', 'lazada'][1 + (hash(l) % 7)::int] as platform,
    'L' || l as listing_id,
    'https://example.com/item/' || l as url,
    'Acme earbuds copy ' || (l % 997) as title,
    'S' || floor($sellers * pow(unit(l, 1), 3))::bigint as seller_id,
    'Shop ' || (l % 1000) as seller_name,
    ['Acme', 'Borealis', 'Cygnet'][1 + (l % 3)::int] as brand,
    'counterfeit' as infringement_type,
    case when unit(l, 2) < 0.05 then null else round(1 + unit(l, 3) * 200, 2) end as price,
    case when unit(l, 2) < 0.05 then null
         else ['USD', 'CNY', 'CNY', 'MYR', 'HKD', 'THB', 'VND'][1 + (hash(l + 3) % 7)::int] end as currency,
    (unit(l, 4) * 5000)::bigint as units_sold,
    null as seller_country,
    round(unit(l, 5) * 100, 1) as risk_score,
    timestamp '2024-10-01' + to_microseconds((unit(l, 6) * 760 * 86400e6)::bigint) as detected_at,
    'bench' as source, null as extra, 'bench' as batch_id, l as line
from range($listings) as t(l);

insert into complaint_items by name
with numbered as (
    select i, unit(i, 10) < 0.02 as is_storefront, (i * 7919) % $listings as l from range($items) as t(i)
)
select
    case when is_storefront then 'KS' || i else 'K' || (i // 20) end as complaint_id,
    case when is_storefront then '' else listings.listing_id end as listing_id,
    listings.platform, listings.seller_id,
    case when is_storefront then 'storefront' else 'listing' end as enforcement_type,
    ['trademark', 'copyright', 'design', 'patent'][1 + (hash(i) % 4)::int] as ipr_type,
    'TM-' || (i % 50) as ipr_registration,
    ['counterfeit', 'trademark misuse', 'image theft', 'design copy', 'patent'][1 + (hash(i + 1) % 5)::int] as reason,
    ['acme-main', 'acme-agency', 'borealis', 'cygnet'][1 + (hash(i + 2) % 4)::int] as account,
    timestamp '2024-11-01' + to_microseconds((i * (730 * 86400e6 / $items) + unit(i, 11) * 3600e6)::bigint)
        as submitted_at,
    null as portal_status, null as portal_status_at, null as extra, 'bench' as batch_id, i as line
from numbered
join listings on listings.listing_id = 'L' || numbered.l
order by i;

insert into outcome_events by name
with drawn as (
    select complaint_id, listing_id, submitted_at, unit(line, 20) as outcome, unit(line, 21) as delay,
        unit(line, 22) as answer
    from complaint_items
),
events as (
    -- 85% removed within 48 h; 7% rejected within 72 h; 3% withdrawn; the rest still pending.
    select complaint_id, listing_id, 'removed' as event,
        submitted_at + to_microseconds((delay * 48 * 3600e6)::bigint) as occurred_at
    from drawn where outcome < 0.85
    union all
    select complaint_id, listing_id, 'rejected', submitted_at + to_microseconds((delay * 72 * 3600e6)::bigint)
    from drawn where outcome >= 0.85 and outcome < 0.92
    union all
    select complaint_id, listing_id, 'withdrawn', submitted_at + to_microseconds((delay * 96 * 3600e6)::bigint)
    from drawn where outcome >= 0.92 and outcome < 0.95
    union all
    -- 5% of the removed get a counter-notice a day after removal ...
    select complaint_id, listing_id, 'counter_notice',
        submitted_at + to_microseconds(((delay * 48 + 24) * 3600e6)::bigint)
    from drawn where outcome < 0.05
    union all
    -- ... answered in time 70% of the time, late 15%; 15% end restored, unanswered.
    select complaint_id, listing_id, 'counter_notice_rejected',
        submitted_at + to_microseconds(((delay * 48 + 24 + answer * 200) * 3600e6)::bigint)
    from drawn where outcome < 0.05 and answer < 0.85
    union all
    select complaint_id, listing_id, 'restored', submitted_at + to_microseconds(((delay * 48 + 200) * 3600e6)::bigint)
    from drawn where outcome < 0.05 and answer >= 0.85
)
select complaint_id, listing_id, event, occurred_at, null as detail, null as extra, 'bench' as source_kind,
    'bench' as batch_id, 0 as line
from events
order by occurred_at;

-- The 50 registrations the complaints rely on; one in ten expired, one in ten unverified (the
-- dashboard's weak-rights queue and the report have something to show).
insert into ip_rights by name
select 'TM-' || r as registration,
    ['trademark', 'copyright', 'design', 'patent'][1 + (r % 4)::int] as ipr_type,
    ['Acme', 'Borealis', 'Cygnet'][1 + (r % 3)::int] as brand,
    'CN' as jurisdiction, 'Acme Holdings' as registrant, '9' as goods_classes,
    case when r % 10 = 0 then date '2026-01-01' else date '2030-01-01' end as expires_on,
    case when r % 10 = 1 then 'pending' else 'verified' end as ipp_status,
    null as extra, 'bench' as batch_id, r as line
from range(50) as t(r);

insert into ingest_batches by name
select 'bench' as batch_id, 'generated by benchmarks/generate.py' as file, '' as file_sha256, null as kind,
    null as file_format, 0 as rows, 0 as inserted, 0 as updated, 0 as unchanged, 0 as rejected,
    'UTC' as timezone, null as mapping, null as error, timestamp '2026-11-01' as loaded_at
"""

# Each kind's export, in the contract's column names; timestamps ISO 8601 in UTC with `Z`.
EXPORTS = {
    "listings": """
        select platform, listing_id, url, title, seller_id, seller_name, brand, infringement_type,
            cast(price as decimal(18, 2)) as price, currency, units_sold, seller_country, risk_score,
            strftime(detected_at, '%Y-%m-%dT%H:%M:%SZ') as detected_at, source
        from listings order by line limit $rows""",
    "complaints": """
        select complaint_id, platform, listing_id, seller_id, enforcement_type, ipr_type, ipr_registration,
            reason, account, strftime(submitted_at, '%Y-%m-%dT%H:%M:%SZ') as submitted_at
        from complaint_items order by line limit $rows""",
    "outcomes": """
        select complaint_id, listing_id, event, strftime(occurred_at, '%Y-%m-%dT%H:%M:%SZ') as occurred_at, detail
        from outcome_events order by occurred_at, complaint_id, listing_id, event limit $rows""",
    "ip_rights": """
        select registration, ipr_type, brand, jurisdiction, registrant, goods_classes, expires_on, ipp_status
        from ip_rights order by registration limit $rows""",
}


def schema_key() -> str:
    """A short digest of the store's schema files (queries/schema/*.sql): part of the cache key."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "queries" / "schema").glob("*.sql")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:8]


def data_folder(size: int) -> Path:
    """The cache folder of one size: its name carries the size, the generator's version and the schema's digest."""
    return OUT / f"data_{size_label(size)}_v{GENERATOR_VERSION}_{schema_key()}"


def store_path(size: int) -> Path:
    return data_folder(size) / "store.duckdb"


def export_path(size: int, kind: str) -> Path:
    return data_folder(size) / "exports" / f"{kind}.csv"


def write_data(items: int, folder: Path) -> dict[str, int]:
    """Write the store and the exports of `items` complaint items into `folder` (which must not exist)."""
    import duckdb

    from takedown.store import create_schema

    folder.mkdir(parents=True)
    con = duckdb.connect(str(folder / "store.duckdb"))
    con.execute("set TimeZone = 'UTC'")
    con.execute(f"set memory_limit = '{GENERATE_MEMORY}'")
    con.execute(f"set temp_directory = '{folder / 'spill'}'")
    create_schema(con)
    values = {"items": items, "listings": int(items * 0.8), "sellers": max(items // 40, 10)}
    for statement in GENERATE.split(";\n"):
        if statement.strip():
            con.execute(statement, {name: value for name, value in values.items() if f"${name}" in statement})
    # The facts ingest keeps (same transaction as the rows there; here once, after them).
    from takedown.item_facts import rebuild_item_facts

    rebuild_item_facts(con)
    con.execute("checkpoint")
    (folder / "exports").mkdir()
    rows = {}
    for kind, query in EXPORTS.items():
        target = folder / "exports" / f"{kind}.csv"
        # COPY answers with the number of rows it wrote.
        rows[kind] = con.execute(f"copy ({query}) to '{target}' (header, delimiter ',')",
                                 {"rows": EXPORT_ROWS_MAX}).fetchall()[0][0]
    con.close()
    shutil.rmtree(folder / "spill", ignore_errors=True)
    return rows


def ensure_data(size: int, log=print) -> dict:
    """The cached data of one size, generated in a fresh process first when missing.

    Returns {"seconds": generation seconds, "peak_mib": ..., "cached": bool, "rows": {kind: rows}}.
    """
    folder = data_folder(size)
    record = folder / "generated.json"
    if record.exists():
        return {**json.loads(record.read_text()), "cached": True}
    shutil.rmtree(folder, ignore_errors=True)  # a half-written folder of a killed run
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    log(f"generating {size_label(size)} ({size:,} complaint items) into {folder} ...")
    # In its own process: the driver stays small (a child's max RSS starts from its parent's).
    run = measured([sys.executable, __file__, "--write", str(size), str(partial)])
    rows = json.loads(run.stdout)
    partial.rename(folder)
    result = {"seconds": run.seconds, "peak_mib": run.peak_mib, "rows": rows}
    record.write_text(json.dumps(result))
    return {**result, "cached": False}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=parse_sizes, default=parse_sizes("100k"))
    parser.add_argument("--write", nargs=2, metavar=("ITEMS", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write:
        print(json.dumps(write_data(int(args.write[0]), Path(args.write[1]))))
        return
    for size in args.sizes:
        result = ensure_data(size, log=lambda line: print(line, file=sys.stderr, flush=True))
        state = "cached" if result["cached"] else "generated"
        print(f"{size_label(size)}: {state}, generation took {result['seconds']:.1f} s, rows {result['rows']}")


if __name__ == "__main__":
    main()
