"""The metrics tests' frame helpers (tests/metrics/metric_frames.py), importable from tests/report."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if "metric_frames" not in sys.modules:
    _spec = importlib.util.spec_from_file_location("metric_frames",
                                                   Path(__file__).parents[1] / "metrics" / "metric_frames.py")
    _module = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
    sys.modules["metric_frames"] = _module
    _spec.loader.exec_module(_module)  # type: ignore[union-attr]

from metric_frames import T0, event, facts, hours, item, listing, listings_frame  # noqa: E402

__all__ = ["T0", "event", "facts", "hours", "item", "listing", "listings_frame"]
