"""Small exports and store reads shared by the DuckLake tests."""

from __future__ import annotations

from pathlib import Path

from program_stores import write_csv

from takedown.cli import main
from takedown.store import connect_reader

FIXTURES = Path(__file__).parent.parent / "fixtures" / "exports"
LISTINGS_HEADER = ["platform", "listing_id", "url", "seller_id", "brand", "infringement_type", "detected_at"]
COMPLAINTS_HEADER = ["complaint_id", "platform", "listing_id", "seller_id", "enforcement_type", "ipr_type",
                     "ipr_registration", "reason", "account", "submitted_at", "status", "status_at"]
# Every complaint of complaints_file is submitted in this month; readers ask for it as of AS_OF.
MONTH, AS_OF = "2026-05", "2026-06-01T00:00:00Z"


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def listings_file(folder: Path, name: str, size: int, title: str = "", only: range | None = None) -> Path:
    """Listings `<name>-<i>` for i in range(size) (or in `only`), titled `title` when given."""
    folder.mkdir(parents=True, exist_ok=True)
    header = LISTINGS_HEADER + (["title"] if title else [])
    return write_csv(folder / f"{name}.csv", [header] + [
        ["alibaba", f"{name}-{i}", f"https://www.alibaba.com/{name}-{i}.html", "S1", "Acme", "counterfeit",
         "2026-05-01T00:00:00Z", *([title] if title else [])] for i in (only if only is not None else range(size))])


def complaints_file(folder: Path, name: str, size: int) -> Path:
    """`size` complaint items submitted in MONTH, all under the IPP account `<name>` (so every figure
    per account, and every item's account, tells which file it came from)."""
    return write_csv(folder / f"{name}.csv", [COMPLAINTS_HEADER] + [
        [f"C-{name}-{i}", "alibaba.com", f"L-{name}-{i}", "S1", "product listing", "trademark", "TM-1",
         "Counterfeit goods", name, "2026-05-10 09:00", "", ""] for i in range(size)])


def table_counts(location: str) -> tuple[int, ...]:
    """What a reader sees of the store: the rows of every table the tests load."""
    con = connect_reader(location)
    try:
        return con.sql("select (select count(*) from listings), (select count(*) from complaint_items), "
                       "(select count(*) from quarantined_rows), (select count(*) from ingest_batches)").fetchone()
    finally:
        con.close()
