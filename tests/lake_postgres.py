"""A real PostgreSQL for the DuckLake tests: a throw-away cluster in a temp folder on a free port.

As root (CI, `make test`) the server runs as the `postgres` user, which owns its folder; as any
other user it runs as that user. Each test gets its own database (`Postgres.new_lake`).
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL is not installed: `apt-get install -y postgresql` (make test does it as root)")
    return Path(initdb).resolve().parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Postgres:
    folder: Path
    port: int
    bin_dir: Path
    _numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        argv = [str(self.bin_dir / command[0]), *command[1:]]
        preexec = None
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")

            def preexec() -> None:
                os.setgid(user.pw_gid)
                os.setuid(user.pw_uid)
        return subprocess.run(argv, preexec_fn=preexec, capture_output=True, text=True, check=True,
                              cwd=self.folder, env={**os.environ, "LC_ALL": "C"})

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-o",
                  f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def connections(self, location: str) -> int:
        """How many connections the database of a lake location has now (PostgreSQL's pg_stat_activity)."""
        name = location.split("dbname=", 1)[1].split()[0]
        out = self._run("psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tAc",
                        f"select count(*) from pg_stat_activity where datname = '{name}'").stdout
        return int(out.strip())

    def new_lake(self) -> str:
        """A new empty database; its DuckLake location."""
        name = f"lake{next(self._numbers)}"
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"ducklake:postgres:dbname={name} host=127.0.0.1 port={self.port} user=postgres"


def start_postgres() -> Postgres:
    folder = Path(tempfile.mkdtemp(prefix="takedown-pg-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(folder, user.pw_uid, user.pw_gid)
    server = Postgres(folder, _free_port(), _bin_dir())
    server._run("initdb", "-D", str(server.data), "-A", "trust", "-U", "postgres", "--no-sync")
    server.start()
    return server


def remove_postgres(server: Postgres) -> None:
    try:
        server.stop()
    except subprocess.CalledProcessError:
        pass  # already stopped
    shutil.rmtree(server.folder, ignore_errors=True)
