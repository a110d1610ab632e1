"""Files that appear whole or not at all, and sets of files that change together.

One temporary-name scheme for the whole project: a file is written as `.NAME.PID.tmp` beside its
final name, flushed to disk, then renamed over it (a rename within one folder is atomic), so a
reader sees the old file or the new one, never a half-written one. A kill part way leaves only the
hidden temporary, which the next write of the same name removes.

A set of files that must change together (the report's report.html, report.pdf and
escalations.xlsx) is published as a generation: the set is built in a hidden folder, and one
symlink, `.NAME-current`, is switched to it with one atomic rename. Each file's own name is a
symlink through `.NAME-current`, so every name moves to the new set at the same instant.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path


def temporary_name(target: Path) -> Path:
    """The hidden name `target` is written under before it is renamed into place (this process's own)."""
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _stale(name: str, prefix: str, suffix: str) -> bool:
    """Whether `name` is `prefix PID suffix` of a process that is no longer running."""
    middle = name[len(prefix):len(name) - len(suffix)] if name.startswith(prefix) and name.endswith(suffix) else ""
    return middle.isdigit() and int(middle) != os.getpid() and not _pid_alive(int(middle))


def remove_stale_temporaries(target: Path) -> None:
    """Remove what killed writers of `target` left behind (`.NAME.PID.tmp` of processes no longer running)."""
    with contextlib.suppress(OSError):
        for entry in target.parent.iterdir():
            if _stale(entry.name, f".{target.name}.", ".tmp"):
                entry.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path to write `target`'s new content to; renamed over `target` when the block ends
    without an error, removed otherwise. The folder is created if missing.

        with replacing(out) as temporary:
            workbook.save(temporary)
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    temporary = temporary_name(target)
    try:
        yield temporary
        _sync(temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes) -> None:
    """Write `data` to `target` atomically: readers see the old content or the new, never a part."""
    with replacing(target) as temporary:
        temporary.write_bytes(data)


def _sync(path: Path) -> None:
    # The rename must not reach the disk before the content does (a power cut would leave an empty file).
    with contextlib.suppress(OSError), open(path, "rb") as handle:
        os.fsync(handle.fileno())


# ---------------------------------------------------------------------------------------------
# Sets of files published together
# ---------------------------------------------------------------------------------------------


class SetProblem(ValueError):
    """A file of the set cannot be published at its name (a folder or something else is there)."""


def _current(folder: Path, set_name: str) -> Path:
    return folder / f".{set_name}-current"


def _generation_prefix(set_name: str) -> str:
    return f".{set_name}-gen-"


def names_problem(folder: Path, names: Iterable[str]) -> str | None:
    """Why one of `names` in `folder` cannot be replaced by a published file (a folder, a device...), or None."""
    for name in names:
        path = folder / name
        if path.is_symlink() or not path.exists():
            continue
        if path.is_dir():
            return f"{path} is a folder: move it away, the report writes a file of that name"
        if not path.is_file():
            return f"{path} is not a regular file: move it away, the report writes a file of that name"
    return None


@contextlib.contextmanager
def building_set(folder: Path, set_name: str) -> Iterator[Path]:
    """A fresh hidden folder in `folder` to build a set of files in; removed if the block fails.

    Publish what was built with publish_set before the block ends.
    """
    folder.mkdir(parents=True, exist_ok=True)
    staging = folder / f"{_generation_prefix(set_name)}{os.getpid()}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def publish_set(folder: Path, set_name: str, staging: Path, names: Iterable[str]) -> list[Path]:
    """Make the files `names` built in `staging` the set shown in `folder`, all at one instant.

    `staging` becomes a generation folder; the `.SET-current` symlink is switched to it with one
    rename; each `folder/NAME` is (or becomes) a symlink through `.SET-current`. A name of the
    previous set that the new one lacks stops being shown. Older generations and what killed runs
    left are removed afterwards. Returns the published paths.
    """
    names = list(names)
    if problem := names_problem(folder, names):
        raise SetProblem(problem)
    current = _current(folder, set_name)
    # One publisher at a time: between another run's rename of its build folder and its switch, its
    # generation is shown nowhere yet, and must not be taken for an old one.
    with _publishing_lock(folder, set_name):
        if not current.is_symlink() and not _symlinks_work(folder):
            return _replace_one_by_one(folder, staging, names)
        _publish_generation(folder, set_name, staging, names)
    return [folder / name for name in names]


@contextlib.contextmanager
def _publishing_lock(folder: Path, set_name: str) -> Iterator[None]:
    """Hold `.SET.lock` in `folder` (released by the kernel if the process dies)."""
    import fcntl

    with open(folder / f".{set_name}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _publish_generation(folder: Path, set_name: str, staging: Path, names: list[str]) -> None:
    current = _current(folder, set_name)
    _adopt_plain_files(folder, set_name, names)
    # The names are links through `.SET-current`, made before the switch (a name the shown set lacks
    # dangles, so it reads as absent until then): the switch is the one instant every name changes.
    for name in names:
        if not _links_through(folder / name, current):
            _link(folder / name, f"{current.name}/{name}")
    for name in names:
        _sync(staging / name)
    generation = folder / f"{_generation_prefix(set_name)}{os.getpid()}-{os.urandom(4).hex()}"
    os.rename(staging, generation)
    _link(current, generation.name)
    for path in folder.iterdir():
        if path.name not in names and _links_through(path, current):
            path.unlink(missing_ok=True)  # a name of the previous set that the new one lacks
    remove_old_generations(folder, set_name)
    for name in names:
        remove_stale_temporaries(folder / name)


# The name whose temporary tests whether a folder takes symlinks.
_PROBE = "symlink-probe"


def _symlinks_work(folder: Path) -> bool:
    """Whether `folder`'s file system takes symlinks (FAT, exFAT and some network shares do not)."""
    probe = temporary_name(folder / _PROBE)
    try:
        os.symlink(".", probe)
    except OSError as error:
        if error.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS):
            return False
        raise
    probe.unlink()
    return True


def _replace_one_by_one(folder: Path, staging: Path, names: list[str]) -> list[Path]:
    """Publish without symlinks: each file renamed over its name in turn (each file whole, the set
    not at one instant), then the build folder removed."""
    for name in names:
        os.replace(staging / name, folder / name)
    shutil.rmtree(staging, ignore_errors=True)
    return [folder / name for name in names]


def _adopt_plain_files(folder: Path, set_name: str, names: list[str]) -> None:
    """Turn a set written as plain files (before sets were published) into a generation first.

    The old files are copied into a generation that `.SET-current` points to, then each plain file
    is replaced by a link showing that same copy: whenever this stops, every name shows the old set.
    """
    plain = [name for name in names if (folder / name).is_file() and not (folder / name).is_symlink()]
    if not plain:
        return
    current = _current(folder, set_name)
    if not current.is_symlink():
        old = folder / f"{_generation_prefix(set_name)}{os.getpid()}-adopted"
        shutil.rmtree(old, ignore_errors=True)
        old.mkdir()
        for name in plain:
            shutil.copy2(folder / name, old / name)
        _link(current, old.name)
    for name in plain:
        if (current / name).exists():
            _link(folder / name, f"{current.name}/{name}")


def _links_through(path: Path, current: Path) -> bool:
    return path.is_symlink() and os.readlink(path) == f"{current.name}/{path.name}"


def _link(path: Path, pointing_to: str) -> None:
    """Make `path` a symlink to `pointing_to` with one rename (never a moment without `path`)."""
    temporary = temporary_name(path)
    temporary.unlink(missing_ok=True)
    os.symlink(pointing_to, temporary)
    os.replace(temporary, path)


def remove_old_generations(folder: Path, set_name: str) -> None:
    """Remove the set's generations not shown any more and the build folders of runs no longer running
    (called under the publishing lock)."""
    current = _current(folder, set_name)
    shown = os.readlink(current) if current.is_symlink() else None
    prefix = _generation_prefix(set_name)
    for entry in folder.iterdir():
        name = entry.name
        if not name.startswith(prefix) or entry == current or name == shown or entry.is_symlink():
            continue
        if name.endswith(".tmp"):
            if _stale(name, prefix, ".tmp"):
                shutil.rmtree(entry, ignore_errors=True)
            continue
        shutil.rmtree(entry, ignore_errors=True)
    remove_stale_temporaries(current)
    remove_stale_temporaries(folder / _PROBE)


def published_files(folder: Path, names: Iterable[str]) -> list[Path]:
    """The names of a set that `folder` shows now (the ones whose files exist)."""
    return [folder / name for name in names if (folder / name).exists()]


__all__ = ["SetProblem", "building_set", "names_problem", "publish_set", "published_files", "remove_old_generations",
           "remove_stale_temporaries", "replacing", "temporary_name", "write_bytes"]
