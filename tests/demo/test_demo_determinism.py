"""Same seed and end, same bytes; another seed, another program; chunking changes nothing but memory."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from demo_constants import END

from takedown.demo.plan import make_plan, write_groups
from takedown.demo.program import PORTAL_FILE, write_program

SMALL = 1500


def _files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir()) if path.is_file()}


def test_same_seed_and_end_give_identical_files(tmp_path: Path):
    first = _files(write_program(tmp_path / "a", 5, SMALL, END).out_dir)
    second = _files(write_program(tmp_path / "b", 5, SMALL, END).out_dir)
    assert len(first) >= 6
    assert first.keys() == second.keys()
    for name in first:
        assert first[name] == second[name], f"{name} differs between two runs with the same seed"


def test_different_seeds_give_different_programs(tmp_path: Path):
    first = _files(write_program(tmp_path / "a", 5, SMALL, END).out_dir)
    second = _files(write_program(tmp_path / "b", 6, SMALL, END).out_dir)
    generated = [name for name in first if not name.startswith("ip_rights")]
    assert generated and first.keys() == second.keys()
    for name in generated:
        assert first[name] != second[name], f"{name} is the same for two seeds"


def test_a_different_end_moves_the_whole_program(tmp_path: Path):
    later = END + dt.timedelta(days=40)
    program = write_program(tmp_path / "later", 5, SMALL, later)
    complaints = pl.concat([pl.read_csv(f.path, separator=";", infer_schema=False) for f in program.files
                            if f.path.name.startswith("complaints_2")])
    latest = complaints["submitted_at"].max()
    assert latest <= later.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert latest > END.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_small_chunks_split_months_and_keep_every_item_once(tmp_path: Path):
    plan = make_plan(5, SMALL, END, chunk_items=50)
    assert any("." in unit.code for unit in plan.units)  # months too big for a chunk are split
    assert sum(unit.items for unit in plan.units) == SMALL
    assert len(write_groups(plan, 50)) > 10
    program = write_program(tmp_path / "chunked", 5, SMALL, END, chunk_items=50)
    complaints = pl.concat([pl.read_csv(f.path, separator=";", infer_schema=False) for f in program.files
                            if f.path.name.startswith("complaints_2")])
    portal = pl.read_csv((program.out_dir / PORTAL_FILE).read_bytes().decode("gb18030").encode("utf-8"),
                         infer_schema=False).filter(pl.col("Platform") != "拼多多")
    assert program.rows["complaints"] == SMALL
    # Two bad rows are appended to the latest chunk; every other row is a distinct complaint item.
    good = complaints.filter(pl.col("account").is_not_null() & (pl.col("enforcement_type") != "takedown notice"))
    assert good.height + portal.height == SMALL
    keys = pl.concat([good.select("complaint_id", "listing_id"),
                      portal.select(pl.col("Complaint ID").alias("complaint_id"),
                                    pl.col("Listing ID").alias("listing_id"))])
    assert keys.n_unique() == SMALL
    listings = pl.concat([pl.read_csv(f.path, infer_schema=False) for f in program.files
                          if f.path.name.startswith("listings_2")])
    assert listings.select("Platform", "Listing ID").n_unique() == listings.height


@pytest.mark.parametrize("scale", [1, 7])
def test_tiny_programs_still_write_valid_files(tmp_path: Path, scale: int):
    program = write_program(tmp_path / "tiny", 3, scale, END)
    assert program.rows["complaints"] == scale
    assert all(file.path.exists() for file in program.files)
