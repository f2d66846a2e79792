"""Real Redis and PostgreSQL servers for the job tests, started once per test process on free loopback ports
from the Debian packages (``scripts/system-deps.sh`` installs them) and stopped at the end. Outside CI a
missing server skips its tests with the apt line; with ``CI=true`` it fails them.

``backend`` gives each job test its settings: the embedded default (SQLite queue and database under the
data directory) or Redis + PostgreSQL (a fresh database and an emptied Redis per test)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), Path("/nonexistent"))
APT = "apt-get install -y redis-server postgresql"
BACKENDS = ("embedded", "redis+postgresql")


def _missing(what: str) -> None:
    message = f"{what} is not installed: {APT} (scripts/system-deps.sh as root)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Until ``port`` accepts connections; ``timeout`` only guards against a hang."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"no server on 127.0.0.1:{port}")


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        _missing("redis-server")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    process = subprocess.Popen(
        [*command, "--dir", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(30)


def _as_postgres(command: list[str]) -> list[str]:
    """``initdb`` refuses to run as root: as root, run the server's commands as the ``postgres`` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not (PG_BIN / "initdb").exists():
        _missing("PostgreSQL")
    folder = Path(tempfile.mkdtemp(prefix="itbforms-pg-"))  # not under pytest's 0700 root: postgres enters it
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    initdb = [str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8"]
    subprocess.run(_as_postgres(initdb), check=True, capture_output=True)
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "log")]
    subprocess.run(_as_postgres([*ctl, "-o", options, "-w", "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}"
    finally:
        subprocess.run(_as_postgres([*ctl, "-m", "fast", "-w", "stop"]), capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> dict[str, str]:
    """``ITBFORMS_*`` settings of one backend (empty: the embedded default)."""
    if request.param == "embedded":
        return {}
    redis = request.getfixturevalue("redis_url")
    postgres = request.getfixturevalue("postgres_url")
    import psycopg  # noqa: PLC0415
    import redis as redis_client  # noqa: PLC0415

    redis_client.Redis.from_url(redis).flushdb()
    name = f"jobs_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.replace("+psycopg", "") + "/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return {"ITBFORMS_QUEUE_URL": redis, "ITBFORMS_DATABASE_URL": f"{postgres}/{name}"}
