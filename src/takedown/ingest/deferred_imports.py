"""Import Great Expectations without paying for the modules our suites never use.

`import great_expectations` imports every expectation it ships, among them KL divergence and the
distribution tests, which import scipy.stats and altair at module level, and JSON-schema matching,
which imports jsonschema: about a second of the two it takes here, on the critical path of every
`takedown ingest`. Inside `deferred_imports`, importing one of the named modules gives a stand-in
(`importlib.util.LazyLoader`) that runs the real module on its first attribute access, so if Great
Expectations ever does need scipy.stats it still gets it, only later. Outside the block imports are
untouched.
"""

from __future__ import annotations

import gc
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType

# Imported by Great Expectations at module level, used only inside expectations, metrics and
# renderers our suites never run (KL divergence, distribution tests, JSON-schema matching, charts);
# tests/ingest/test_deferred_imports.py proves an ingest leaves them unloaded.
DEFERRED_MODULES = ("scipy.stats", "altair", "jsonschema")

_install_lock = threading.Lock()


class _DeferringFinder(importlib.abc.MetaPathFinder):
    """Finds the named modules with the other finders, then wraps their loader in a LazyLoader."""

    def __init__(self, names: Iterable[str]) -> None:
        self.names = frozenset(names)

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in self.names:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is None:
                continue
            if spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec  # a namespace package or an old-style loader: import it as usual
            spec.loader = importlib.util.LazyLoader(spec.loader)
            return spec
        return None


@contextmanager
def deferred_imports(names: Iterable[str] = DEFERRED_MODULES) -> Iterator[None]:
    """Within the block, the named modules are imported as stand-ins that load on first use.

    A module already imported stays as it is. Python 3.11's LazyLoader is not safe against two
    threads touching a stand-in for the first time at once; ingest never touches these at all.
    """
    finder = _DeferringFinder(names)
    with _install_lock:
        sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        with _install_lock:
            sys.meta_path.remove(finder)


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection within the block; what survives it is never scanned again.

    An import of thousands of modules makes millions of objects and almost no garbage, yet each
    full collection on the way scans all of them: a tenth to a fifth of Great Expectations' import
    time here.
    Freezing the survivors afterwards keeps later collections (validation) from rescanning them.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
        gc.freeze()
