"""Ingest never pays for the parts of Great Expectations our suites do not use.

Great Expectations imports scipy.stats, altair and jsonschema at its own import, for expectations
we never run (KL divergence, distribution tests, JSON schemas, their charts): about a second of
every `takedown ingest`.
Ingest defers them, so they load only if something ever touches them. Checked in a fresh process:
in this one, other tests may already have imported them.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from takedown.ingest.deferred_imports import DEFERRED_MODULES, deferred_imports

# A module each deferred package really loads when it runs (the deferred stub alone loads none).
LOADED_WHEN_RUN = {"altair": "altair.vegalite", "scipy.stats": "scipy.stats._stats_py",
                   "jsonschema": "jsonschema.validators"}

INGEST_AND_REPORT = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    from takedown.ingest import ingest_files

    results = ingest_files([Path(sys.argv[1])], Path(sys.argv[2]))
    loaded = sorted(name for name in sys.argv[3:] if name in sys.modules)
    # Great Expectations still reaches a deferred module the moment it needs one.
    from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
    entropy = float(kl.stats.entropy([0.5, 0.5], [0.5, 0.5]))
    print(json.dumps({"rejected": results[0].rejected, "inserted": results[0].inserted, "loaded": loaded,
                      "entropy": entropy, "loaded_after_use": "scipy.stats._stats_py" in sys.modules}))
""")


def test_ingesting_a_file_does_not_import_what_great_expectations_would_never_use(tmp_path: Path):
    export = tmp_path / "listings.csv"
    export.write_text(
        "platform,listing_id,url,seller_id,brand,infringement_type,detected_at\n"
        "taobao,L1,https://item.taobao.com/1,S1,Acme,counterfeit,2026-03-01 10:00\n"
        "shopee,L2,https://shopee.sg/2,S2,Acme,counterfeit,2026-03-01 10:00\n",  # rejected: the suite ran
        encoding="utf-8")
    completed = subprocess.run(
        [sys.executable, "-c", INGEST_AND_REPORT, str(export), str(tmp_path / "store.duckdb"),
         *LOADED_WHEN_RUN.values()],
        capture_output=True, text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout.splitlines()[-1])
    assert (report["inserted"], report["rejected"]) == (1, 1)
    assert report["loaded"] == []
    assert report["entropy"] == 0.0 and report["loaded_after_use"]


def test_every_deferred_module_is_one_this_check_knows_how_to_see():
    assert set(DEFERRED_MODULES) == set(LOADED_WHEN_RUN)


def test_a_deferred_module_runs_on_first_use_and_only_imports_inside_the_block_are_deferred(tmp_path, monkeypatch):
    (tmp_path / "takedown_probe_deferred.py").write_text("import sys\nsys.takedown_probe_ran = True\nANSWER = 42\n")
    (tmp_path / "takedown_probe_later.py").write_text("import sys\nsys.takedown_probe_later_ran = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in ("takedown_probe_deferred", "takedown_probe_later"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    monkeypatch.setattr(sys, "takedown_probe_ran", False, raising=False)
    monkeypatch.setattr(sys, "takedown_probe_later_ran", False, raising=False)

    with deferred_imports(("takedown_probe_deferred", "takedown_probe_later")):
        import takedown_probe_deferred
    assert sys.takedown_probe_ran is False  # imported, not run
    assert takedown_probe_deferred.ANSWER == 42 and sys.takedown_probe_ran is True

    import takedown_probe_later  # noqa: F401 (after the block: an ordinary import, run for its effect)

    assert sys.takedown_probe_later_ran is True
