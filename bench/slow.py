"""``python -m bench.slow``: slow clients beside normal traffic (issue 17.1), our server against the sync
gunicorn workers ``make run`` used before, one after the other in one run.

For each server (started as ``bench.load --start`` starts it, on a free port of 127.0.0.1): 8 slow
clients (``--slow``) each open a POST to ``/api/v1/parse`` declaring 10 MB and send one byte every 5 s;
beside them 4 clients (``--clients``) send the mixed requests of ``bench.load``, and a probe asks
``/healthz`` every 0.25 s (10 s timeout each). After ``--duration`` seconds everything stops by itself.
Reported: ``/healthz`` p50/p95/max and failures (target: p95 < 1 s with 8 slow clients), the normal
requests answered and their p50/p95, the slow connections the server closed. Written into
``bench/README.md`` between its ``bench-slow`` markers (``--no-write``: print only).
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bench.load import (
    SERVERS,
    Outcome,
    client,
    describe_server,
    percentile,
    requests,
    send,
    start_server,
    stop_server,
)
from bench.readme import write_section

SECTION = "bench-slow"
HOST = "127.0.0.1"
SLOW_EVERY_S = 5.0
PROBE_EVERY_S = 0.25
TARGET_P95_S = 1.0


@dataclass
class SlowRun:
    server: str
    healthz: list[float] = field(default_factory=list)  # seconds of each answered probe
    healthz_failed: int = 0
    outcomes: list[Outcome] = field(default_factory=list)
    closed_by_server: int = 0  # slow connections the server closed (408 or reset)
    duration: float = 0.0


def slow_client(port: int, until: float, run: SlowRun, lock: threading.Lock) -> None:
    """A POST declaring 10 MB, a byte every ``SLOW_EVERY_S`` until ``until`` or until the server closes it."""
    with socket.create_connection((HOST, port)) as sock:
        sock.sendall(
            b"POST /api/v1/parse HTTP/1.1\r\nHost: bench\r\nContent-Type: application/octet-stream\r\n"
            b"Content-Length: 10000000\r\n\r\n"
        )
        sock.settimeout(SLOW_EVERY_S)
        while time.monotonic() < until:
            try:
                sock.sendall(b"x")
                if sock.recv(4096) == b"":
                    break
            except TimeoutError:
                continue
            except OSError:
                break
        else:
            return
    with lock:
        run.closed_by_server += 1


def probe(port: int, until: float, run: SlowRun) -> None:
    while time.monotonic() < until:
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=10)
            conn.request("GET", "/healthz")
            ok = conn.getresponse().status == 200
            conn.close()
        except (OSError, http.client.HTTPException):
            ok = False
        if ok:
            run.healthz.append(time.monotonic() - started)
        else:
            run.healthz_failed += 1
        time.sleep(max(0.0, PROBE_EVERY_S - (time.monotonic() - started)))


def measure(server_name: str, slow: int, clients: int, duration: float) -> SlowRun:
    server = start_server(HOST, 2, server_name)
    run, lock = SlowRun(describe_server(server_name, 2), duration=duration), threading.Lock()
    try:
        reqs = requests()
        for req in reqs.values():  # warm-up: every worker imports what each operation needs
            send(HOST, server.port, req)
        until = time.monotonic() + duration
        threads = [
            threading.Thread(target=slow_client, args=(server.port, until, run, lock)) for _ in range(slow)
        ]
        threads.append(threading.Thread(target=probe, args=(server.port, until, run)))
        threads += [
            threading.Thread(target=client, args=(HOST, server.port, reqs, until, seed, run.outcomes))
            for seed in range(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        stop_server(server)
        shutil.rmtree(server.scratch, ignore_errors=True)
    return run


def row(run: SlowRun, slow: int) -> str:
    h = sorted(run.healthz)
    answered = [o.seconds for o in run.outcomes if 200 <= o.status < 300]
    cells = [
        run.server,
        len(h),
        run.healthz_failed,
        *(f"{v:.2f}" for v in (percentile(h, 50), percentile(h, 95), max(h, default=float("nan")))),
        f"{len(answered)} / {len(run.outcomes)}",
        *(f"{v:.2f}" for v in (percentile(answered, 50), percentile(answered, 95))),
        f"{run.closed_by_server} / {slow}",
    ]
    return "| " + " | ".join(str(c) for c in cells) + " |"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slow", description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=8, help="slow clients (default 8)")
    parser.add_argument("--clients", type=int, default=4, help="clients of normal traffic (default 4)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds (default 60)")
    parser.add_argument("--no-write", action="store_true", help="print only, do not update bench/README.md")
    args = parser.parse_args(argv)
    if not 0 <= args.slow <= 50 or not 0 <= args.clients <= 50 or not 0 < args.duration <= 300:
        parser.error("--slow and --clients up to 50, --duration up to 300 s: the run must stay bounded")
    runs = [measure(name, args.slow, args.clients, args.duration) for name in SERVERS]
    ours = sorted(runs[0].healthz)
    met = not runs[0].healthz_failed and bool(ours) and percentile(ours, 95) < TARGET_P95_S
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = "\n".join(
        [
            "## Slow clients (issue 17.1)",
            "",
            f"Measured {stamp}, 2 CPUs, Python {sys.version.split()[0]}: `python -m bench.slow` — for each "
            f"server in turn, {args.slow} slow clients (a POST declaring 10 MB, one byte every "
            f"{SLOW_EVERY_S:g} s) beside {args.clients} clients of `bench.load`'s mixed requests and a "
            f"`/healthz` probe every {PROBE_EVERY_S:g} s (10 s timeout), for {args.duration:g} s.",
            "",
            "| server | healthz answered | failed | p50 (s) | p95 (s) | max (s) | normal requests 2xx / sent "
            "| p50 (s) | p95 (s) | slow connections closed by the server |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
            *(row(run, args.slow) for run in runs),
            "",
            f"Target: `/healthz` p95 < {TARGET_P95_S:g} s with {args.slow} slow clients, none failed — "
            f"{'met' if met else 'NOT met'}.",
        ]
    )
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
