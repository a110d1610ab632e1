"""A watched inbox folder: export files that land in it are ingested once, then filed away.

How to feed an inbox (producers: export scripts, SFTP drops, the demo's live feed)
------------------------------------------------------------------------------------
Write each file under a temporary name in the inbox itself -- a name starting with a dot, or
ending in `.part` or `.tmp` -- and rename it to its final name when it is complete (a rename within
one folder is atomic). The watcher ignores temporary names, so it never reads half a file. A file
copied straight to its final name may be read while it is still being written; as a safety net
the watcher also waits until a file's size and modification time are the same at two polls in a row
(and a second old), but only the rename is a guarantee. Run one watcher per inbox.

What the watcher does with each file
------------------------------------
Files are taken oldest first. Each is ingested exactly like `takedown ingest FILE` (rows that break
a rule are quarantined, the rest load), then moved to `processed/`. Files ready at the same poll
are loaded as one batch: one writer session, each file its own transaction, one publish after the
last; each file is moved only after the publish that makes it visible to readers (a kill before it
leaves every file of the batch in the inbox, and the store as it was). A file ingest refuses as a
whole (not a table, unreadable) or that crashes ingest is moved to `failed/` with
`<name>.reason.txt` beside it saying why. A name already taken in `processed/` or `failed/` gets a
numbered suffix (`listings.1.csv`), so nothing is overwritten. A file whose exact bytes were
already loaded from the same path (the watcher stopped between loading and moving it) is moved to
`processed/` without loading it again. If the store itself cannot be opened the file stays in the
inbox and is tried again on the next poll. A file that vanishes, or may not be read or moved, is
reported and left alone until it changes; the watcher goes on with the others.

Links and other entries: a symbolic link is loaded like the file it leads to, and the link itself is
moved to `processed/` (its target stays where it is). An entry that is not a regular file (a FIFO, a
device, a link to nothing or to a folder) is never opened: it is filed in `failed/` with the reason.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import stat
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from takedown import atomic
from takedown.ingest import FileResult
from takedown.ingest.pipeline import ingest_file
from takedown.ingest.validation import warm_up
from takedown.store import (
    StoreError,
    connect_reader,
    is_out_of_space,
    mark_changing,
    open_writer,
    publish_and_close,
    refill,
    store_exists,
)

PROCESSED = "processed"
FAILED = "failed"
# Names producers use while writing; never read.
TEMPORARY_SUFFIXES = (".part", ".tmp")
# A file must be unchanged this long before it is read: a safety net for producers that do not rename.
SETTLE_SECONDS = 1.0
# How often the folder is polled by default: quick enough for a live dashboard, cheap when idle.
POLL_SECONDS = 2.0


@dataclass
class Handled:
    """What became of one inbox file."""

    name: str
    outcome: str  # "processed" | "failed" | "already loaded"
    moved_to: Path
    result: FileResult | None = None
    reason: str | None = None


def is_temporary(path: Path) -> bool:
    """A name producers use while writing (dotfiles, *.part, *.tmp)."""
    return path.name.startswith(".") or path.name.endswith(TEMPORARY_SUFFIXES)


Signature = tuple[int, int]  # (size in bytes, modification time in ns)


def ready_files(folder: Path, seen: dict[Path, Signature], settle_seconds: float = SETTLE_SECONDS,
                now: float | None = None) -> list[Path]:
    """Complete files waiting in the folder, oldest first (temporary names and subfolders skipped).

    A link is taken like the file it leads to (a link to a missing file, a FIFO or a device is taken
    too, and filed in failed/ with the reason ingest refuses it), so nothing in the inbox waits unsaid.

    A file is complete once its size and modification time are the same as at the previous poll
    (`seen`, updated in place to what this poll saw) and it has not changed for `settle_seconds`:
    a producer that writes under the final name is still caught while it keeps writing.
    """
    moment = time.time() if now is None else now
    current: dict[Path, Signature] = {}
    waiting = []
    for entry in os.scandir(folder):
        path = Path(entry.path)
        if entry.is_dir(follow_symlinks=False) or is_temporary(path):
            continue  # processed/, failed/ and other folders are not files to load
        try:
            status = entry.stat()  # a link is judged by what it leads to
        except OSError:
            if not entry.is_symlink():
                continue  # taken away since the listing
            try:
                status = entry.stat(follow_symlinks=False)  # a link to nothing: ingest says so, in failed/
            except FileNotFoundError:
                continue
        signature = (status.st_size, status.st_mtime_ns)
        current[path] = signature
        if seen.get(path) == signature and moment - status.st_mtime >= settle_seconds:
            waiting.append((status.st_mtime, path.name, path))
    seen.clear()
    seen.update(current)
    return [path for _, _, path in sorted(waiting)]


def unique_target(folder: Path, name: str) -> Path:
    """`folder/name`, or `folder/stem.N.suffix` with the first free N when the name is taken."""
    target = folder / name
    stem, dot, suffix = name.partition(".")
    number = 1
    while target.exists() or target.with_name(target.name + ".reason.txt").exists():
        target = folder / (f"{stem}.{number}.{suffix}" if dot else f"{stem}.{number}")
        number += 1
    return target


def _digest(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def _is_regular_file(path: Path) -> bool:
    """Whether the path leads (through any links) to a regular file; a FIFO would block a reader for ever."""
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def already_loaded(db_path: Path, path: Path, digest: str) -> str | None:
    """The batch that already loaded these exact bytes from this path, if any."""
    if not store_exists(db_path):
        return None
    try:
        con = connect_reader(db_path)
    except StoreError:
        return None
    try:
        rows = con.sql("select batch_id from ingest_batches where file = ? and file_sha256 = ? and error is null "
                       "limit 1", params=[str(path), digest]).fetchall()
    finally:
        con.close()
    return rows[0][0] if rows else None


def _write_reason(target: Path, original: str, reason: str, detail: str | None) -> None:
    text = (f"file: {original}\nfailed at: {dt.datetime.now(dt.UTC):%Y-%m-%dT%H:%M:%SZ}\nreason: {reason}\n"
            + (f"\n{detail}" if detail else ""))
    atomic.write_bytes(target.with_name(target.name + ".reason.txt"), text.encode("utf-8"))


def handle_file(path: Path, db_path: Path, timezone: str | None = None, mapping_path: Path | None = None) -> Handled:
    """Ingest one inbox file and move it to processed/ or failed/ (with a reason file).

    Raises StoreError when the store cannot be opened: the file is left where it is. Raises OSError
    when the file itself cannot be read or moved (it vanished, permissions).
    """
    handled, troubles = handle_batch([path], db_path, timezone, mapping_path)
    if troubles:
        raise troubles[0][1]
    return handled[0]


@dataclass
class _Loaded:
    path: Path
    result: FileResult | None = None
    crash: str | None = None
    detail: str | None = None


def handle_batch(paths: list[Path], db_path: Path, timezone: str | None = None, mapping_path: Path | None = None
                 ) -> tuple[list[Handled], list[tuple[Path, OSError]]]:
    """Ingest files that landed together in one writer session and publish once, then file each.

    Each file is its own transaction; the store is published once, after the last, and only then is
    each file moved to processed/ or failed/ (a file is never filed before the publish that makes it
    visible). Raises StoreError when the store cannot be opened or published: every file not yet
    filed stays in the inbox. Returns what became of each file, and the files that could not be
    read or moved (with the error), which stay where they are.
    """
    from takedown.ingest.mapping import load_mapping
    from takedown.ingest.pipeline import check_timezone

    handled: list[Handled] = []
    troubles: list[tuple[Path, OSError]] = []
    to_load: list[Path] = []
    for path in paths:
        if not _is_regular_file(path):
            to_load.append(path)  # never opened: ingest refuses it by its type, and it is filed in failed/
            continue
        try:
            digest = _digest(path)
            batch = already_loaded(db_path, path, digest)
            if batch is not None:
                target = unique_target(path.parent / PROCESSED, path.name)
                os.replace(path, target)
                handled.append(Handled(path.name, "already loaded", target, reason=f"loaded before in batch {batch}"))
                continue
        except OSError as error:
            troubles.append((path, error))
            continue
        to_load.append(path)
    if not to_load:
        return handled, troubles
    mapping = load_mapping(mapping_path)
    zone = check_timezone(timezone or mapping.timezone or "UTC")
    loaded: list[_Loaded] = []
    with open_writer(db_path) as con:
        for path in to_load:
            mark_changing(db_path)
            try:
                loaded.append(_Loaded(path, ingest_file(con, path, None, zone, mapping)))
            except StoreError:
                raise
            except Exception as error:  # a crash on this file must not stop the watcher: file it with the reason
                if is_out_of_space(error):
                    raise  # not the file's fault: it stays in the inbox (open_writer names the cause)
                loaded.append(_Loaded(path, crash=f"ingest crashed: {type(error).__name__}: {error}",
                                      detail=traceback.format_exc()))
                break  # the session may be unusable after a crash: the others wait for the next poll
        try:
            publish_and_close(con, db_path)
        except OSError as error:
            raise StoreError(f"cannot publish {db_path}: {error.strerror or error}") from error
    for item in loaded:
        try:
            handled.append(_file_away(item))
        except OSError as error:
            troubles.append((item.path, error))
    return handled, troubles


def _file_away(item: _Loaded) -> Handled:
    """Move a loaded (and published) file to processed/, or to failed/ with its reason."""
    path, result, folder = item.path, item.result, item.path.parent
    if item.crash is not None:
        target = unique_target(folder / FAILED, path.name)
        os.replace(path, target)  # first: a file that vanished meanwhile leaves no reason without a file
        _write_reason(target, path.name, item.crash, item.detail)
        return Handled(path.name, "failed", target, reason=item.crash)
    if result.error:
        target = unique_target(folder / FAILED, path.name)
        os.replace(path, target)
        _write_reason(target, path.name, f"refused, nothing loaded: {result.error}",
                      f"ingest batch: {result.batch_id}\n")
        return Handled(path.name, "failed", target, result, result.error)
    target = unique_target(folder / PROCESSED, path.name)
    os.replace(path, target)
    return Handled(path.name, "processed", target, result)


def _refill_in_background(db_path: Path) -> threading.Thread:
    """Copy the store for the next session while the watcher waits for files (see takedown.store)."""
    def run() -> None:
        try:
            refill(db_path)
        except (StoreError, OSError):
            pass  # the next session copies the store itself
    thread = threading.Thread(target=run, name="takedown-refill")
    thread.start()
    return thread


def watch_folder(folder: Path, db_path: Path, interval: float = POLL_SECONDS, max_files: int | None = None,
                 timeout: float | None = None, timezone: str | None = None, mapping_path: Path | None = None,
                 settle_seconds: float = SETTLE_SECONDS, on_file: Callable[[Handled], None] | None = None,
                 on_store_error: Callable[[Path, StoreError], None] | None = None,
                 should_stop: Callable[[], bool] | None = None,
                 on_file_error: Callable[[Path, OSError], None] | None = None) -> list[Handled]:
    """Poll `folder`, handling each complete file, until max_files are handled, timeout seconds pass,
    or should_stop() is true. Returns what became of each file.

    A file that cannot be handled for a reason of its own (it vanished, it may not be read or moved)
    is reported through on_file_error and left alone until it changes; the watcher goes on.
    """
    for sub in (PROCESSED, FAILED):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    warm_up()  # Great Expectations is set up once, before the first file lands, and stays warm
    deadline = None if timeout is None else time.monotonic() + timeout
    handled: list[Handled] = []
    seen: dict[Path, Signature] = {}
    troubled: dict[Path, Signature] = {}  # files an OSError stopped, as they were then
    refilling: threading.Thread | None = None
    try:
        while True:
            if should_stop and should_stop():
                return handled
            ready = [path for path in ready_files(folder, seen, settle_seconds)
                     if os.path.lexists(path) and troubled.get(path) != seen.get(path)]
            if max_files is not None:
                ready = ready[:max_files - len(handled)]
            if ready:
                try:
                    outcomes, troubles = handle_batch(ready, db_path, timezone, mapping_path)
                except StoreError as error:
                    if on_store_error:
                        on_store_error(ready[0], error)
                    outcomes, troubles = [], []  # the store is busy or broken: try again on the next poll
                else:
                    refilling = _refill_in_background(db_path)
                for path, error in troubles:
                    troubled[path] = seen[path]
                    if on_file_error:
                        on_file_error(path, error)
                for outcome in outcomes:
                    handled.append(outcome)
                    if on_file:
                        on_file(outcome)
                if max_files is not None and len(handled) >= max_files:
                    return handled
            if (should_stop and should_stop()) or (deadline is not None and time.monotonic() >= deadline):
                return handled
            # A file seen once is ready after it settles: look again soon rather than a whole interval later.
            waiting = any(path not in troubled and path not in ready for path in seen)
            pause = min(interval, max(0.05, settle_seconds / 4)) if waiting else interval
            if deadline is not None:
                pause = min(pause, max(0.0, deadline - time.monotonic()))
            time.sleep(pause)
    finally:
        if refilling is not None:
            refilling.join()  # leave the working copy whole, not a half-made temporary
