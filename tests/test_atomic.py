"""takedown.atomic: a file appears whole or not at all, and a set of files changes at one instant.

The kill tests run a writer in a subprocess and SIGKILL it at every file-system step of publishing
in turn (no `finally` runs, as with kill -9): a reader must then see the old set or the new set,
never a mix, and the next run must leave no temporary behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from takedown.atomic import SetProblem, building_set, publish_set, write_bytes

NAMES = ("report.html", "report.pdf", "escalations.xlsx")

# Publish a set whose every file says TAG; SIGKILL itself at publishing's KILL_AT-th file-system step
# (rename, replace, symlink, unlink, copy, remove tree); print how many steps it took.
_WRITER = textwrap.dedent("""
    import os, shutil, signal, sys
    from pathlib import Path
    from takedown import atomic

    folder, tag, kill_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    steps, publishing = 0, False

    def counted(module, name):
        real = getattr(module, name)
        def step(*args, **kwargs):
            global steps
            steps += publishing
            if publishing and steps == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return real(*args, **kwargs)
        setattr(module, name, step)

    for name in ("replace", "rename", "symlink", "unlink"):
        counted(os, name)
    counted(shutil, "copy2")
    counted(shutil, "rmtree")
    with atomic.building_set(folder, "report") as staging:
        for name in sys.argv[4:]:
            (staging / name).write_text(tag + " " + name)
        publishing = True  # the steps counted are publishing's
        atomic.publish_set(folder, "report", staging, sys.argv[4:])
    print(steps)
""")


def _publish(folder: Path, tag: str, kill_at: int = 0, names=NAMES) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", _WRITER, str(folder), tag, str(kill_at), *names],
                          capture_output=True, text=True, check=False)


def _shown(folder: Path) -> dict[str, str | None]:
    """What a reader of `folder` sees: each name's tag, None where the name shows no file."""
    return {name: (folder / name).read_text().split()[0] if (folder / name).exists() else None for name in NAMES}


def _leftovers(folder: Path) -> list[str]:
    """Hidden entries beyond the shown generation and its link."""
    current = folder / ".report-current"
    shown = os.readlink(current) if current.is_symlink() else None
    return sorted(entry.name for entry in folder.iterdir()
                  if entry.name.startswith(".") and entry.name not in (".report-current", ".report.lock", shown))


def _plain_old_set(folder: Path) -> None:
    folder.mkdir()
    for name in NAMES:
        (folder / name).write_text(f"old {name}")


@pytest.mark.parametrize("start", ["empty", "plain files", "published set"])
def test_a_kill_at_any_step_leaves_the_old_set_or_the_new_one(tmp_path, start):
    folder = tmp_path / "out"
    if start == "plain files":  # a report written before sets were published
        _plain_old_set(folder)
    elif start == "published set":
        assert _publish(folder, "old").returncode == 0
    before = _shown(folder)
    probe = tmp_path / "probe"
    if folder.exists():
        shutil.copytree(folder, probe, symlinks=True)
    steps = int(_publish(probe, "new").stdout)
    outcomes = set()
    for kill_at in range(1, steps + 2):  # the last one: a run that is never killed
        attempt = tmp_path / f"kill-{kill_at}"
        if folder.exists():
            shutil.copytree(folder, attempt, symlinks=True)
        result = _publish(attempt, "new", kill_at)
        seen = set(_shown(attempt).values())
        expected_old = None if start == "empty" else "old"
        assert seen in ({expected_old}, {"new"}), (kill_at, _shown(attempt), result.stderr[-300:])
        outcomes.add(seen.pop())
        # the next run publishes and removes what the killed one left
        with building_set(attempt, "report") as staging:
            for name in NAMES:
                (staging / name).write_text(f"next {name}")
            publish_set(attempt, "report", staging, NAMES)
        assert set(_shown(attempt).values()) == {"next"}
        assert _leftovers(attempt) == [], kill_at
    assert outcomes == {None if start == "empty" else "old", "new"}  # kills fell before and after the switch
    assert _shown(folder) == before


def test_a_set_without_one_of_the_names_stops_showing_it(tmp_path):
    folder = tmp_path / "out"
    assert _publish(folder, "old").returncode == 0
    assert _publish(folder, "new", names=("report.html", "escalations.xlsx")).returncode == 0
    assert _shown(folder) == {"report.html": "new", "report.pdf": None, "escalations.xlsx": "new"}
    assert not (folder / "report.pdf").is_symlink()


def test_a_folder_where_a_file_goes_is_refused_before_anything_changes(tmp_path):
    folder = tmp_path / "out"
    assert _publish(folder, "old").returncode == 0
    (folder / "report.html").unlink()
    (folder / "report.html").mkdir()
    before = sorted(path.name for path in folder.iterdir())
    with pytest.raises(SetProblem, match="report.html is a folder"), building_set(folder, "report") as staging:
        for name in NAMES:
            (staging / name).write_text("new")
        publish_set(folder, "report", staging, NAMES)
    assert sorted(path.name for path in folder.iterdir()) == before
    assert (folder / "report.pdf").read_text() == "old report.pdf"


def test_a_file_written_atomically_leaves_no_temporary_and_cleans_a_killed_writer_s(tmp_path):
    target = tmp_path / "x.csv"
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f".x.csv.{int(dead.stdout)}.tmp"
    stale.write_text("half")
    write_bytes(target, b"whole")
    assert target.read_bytes() == b"whole"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["x.csv"]


def test_a_file_system_without_symlinks_still_gets_every_file(tmp_path, monkeypatch):
    # FAT, exFAT and some shares refuse symlinks: each file is then replaced whole, one after another.
    folder = tmp_path / "out"
    _plain_old_set(folder)

    def refuse(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "symlink", refuse)
    with building_set(folder, "report") as staging:
        for name in NAMES:
            (staging / name).write_text(f"new {name}")
        publish_set(folder, "report", staging, NAMES)
    assert set(_shown(folder).values()) == {"new"}
    assert sorted(path.name for path in folder.iterdir()) == sorted([*NAMES, ".report.lock"])
