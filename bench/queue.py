"""Queue benchmark (issue 20): the 100-unit bundle of ``bench.bundle`` done as a job — one task per file, then
the assemble task — by ``itbforms worker`` with 1 and 2 worker processes, on the embedded queue (SQLite)
and on Redis (a ``redis-server`` started here on a loopback port), beside the same bundle screened directly
(``screen_bundle`` with 1 and 2 parser processes, no queue) in the same run.

Reported: wall time from the job's submission to its results, the speed-up from 1 to 2 processes, and the
queue's overhead per file against the direct screening with as many processes. Then a written estimate of a
scanned batch on N machines from the per-page OCR cost. Run: ``python -m bench.queue``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.bundle import ROOT, build_bundle, measure, sample
from bench.readme import write_section

SECTION = "bench-queue"
UNITS = 100
#: The scan developer's measurement (issue 13): pages of a scanned PDF recognised per CPU second.
OCR_PAGES_PER_CPU_S = 0.12
OCR_CPU_S_PER_PAGE = 4.0  # the figure


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_redis() -> tuple[subprocess.Popen[bytes], str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed: apt-get install -y redis-server")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    for _ in range(600):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return server, f"redis://127.0.0.1:{port}/0"


def as_job(
    bundle: Path,
    processes: int,
    queue_url: str = "",
    *,
    environ: dict[str, str] | None = None,
    watch: bool = False,
) -> dict[str, Any]:
    """Submit ``bundle`` as a job to a fresh data directory and let ``itbforms worker --processes N`` do it
    (``environ`` added to the worker's environment): the seconds from submission to the stored results and
    the job's report. With ``watch``, also the worker's process tree sampled every 0.1 s as
    ``bench.bundle.measure`` does: its CPU seconds from submission on and its peak memory (sums of RSS and
    PSS, MB)."""
    from service import jobs  # noqa: PLC0415
    from service.queue import queue_for  # noqa: PLC0415
    from service.settings import Settings  # noqa: PLC0415

    if queue_url:
        import redis  # noqa: PLC0415

        redis.Redis.from_url(queue_url).flushdb()
    peak_rss = peak_pss = 0
    cpu: dict[int, float] = {}
    with tempfile.TemporaryDirectory(prefix="itbforms-bench-") as data:
        env = {"ITBFORMS_DATA_DIR": data, "ITBFORMS_QUEUE_URL": queue_url, **(environ or {})}
        settings = Settings.from_env(env)
        worker = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", "--processes", str(processes)],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(2.0)  # the worker is up before the clock starts: start-up is not the queue's cost
            if watch:
                sample(worker.pid, cpu)
            cpu_before = sum(cpu.values())
            started = time.monotonic()
            job = jobs.submit_bundle(settings, bundle, bundle.name)
            queue_for(settings).submit(job.id)
            while (job := jobs.get_job(settings, job.id, files=False)).status not in ("done", "failed"):
                if watch:
                    rss, pss = sample(worker.pid, cpu)
                    peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                time.sleep(0.1 if watch else 0.05)
            seconds = time.monotonic() - started
            if job.status != "done":
                raise SystemExit(f"the job failed: {job.error}")
            report = json.loads(jobs.job_result(settings, job.id, "report"))
        finally:
            worker.terminate()
            worker.wait(60)
    return {
        "seconds": seconds,
        "files": job.total,
        "report": report,
        "cpu_seconds": sum(cpu.values()) - cpu_before,
        "peak_rss_mb": peak_rss / 1024,
        "peak_pss_mb": peak_pss / 1024,
    }


def cpu_per_file(bundle: Path, files: int = 60) -> tuple[float, float]:
    """CPU milliseconds per file (this process's CPU time, so other work on the machine does not count):
    ``parse_entry`` alone, and the file task's whole step (``jobs.read_job_file``: the job records, the
    stored file, the outcome stored), alternately on the same files of a prepared job."""
    from extractor.settings import Limits  # noqa: PLC0415
    from service import jobs  # noqa: PLC0415
    from service.bundles.files import parse_entry  # noqa: PLC0415
    from service.settings import Settings  # noqa: PLC0415

    direct = task = 0.0
    with tempfile.TemporaryDirectory(prefix="itbforms-bench-") as data:
        settings = Settings.from_env({"ITBFORMS_DATA_DIR": data})
        job = jobs.submit_bundle(settings, bundle, bundle.name)
        indexes = (jobs.prepare_job(settings, job.id) or [])[:files]
        names = {f.idx: f.name for f in jobs.get_job(settings, job.id).files}
        folder = Path(job.input_path or "").parent / "files"
        for idx in indexes:
            content = (folder / str(idx)).read_bytes()
            started = time.process_time()
            parse_entry(idx, names[idx], "", content, Limits.from_env())
            direct += time.process_time() - started
            started = time.process_time()
            jobs.read_job_file(settings, job.id, idx, "bench")
            task += time.process_time() - started
    return direct / len(indexes) * 1000, task / len(indexes) * 1000


def estimate_lines(machines: tuple[int, ...] = (1, 2, 4, 8, 16)) -> list[str]:
    """A 500-unit batch of ten-page scanned PDFs on N machines of 2 cores, from the OCR cost per page."""
    pages = 500 * 10
    costs = (OCR_CPU_S_PER_PAGE, 1 / OCR_PAGES_PER_CPU_S)
    lines = [
        f"A ministry-level scanned batch — 500 units of one 10-page scanned PDF each, {pages} pages — costs "
        f"{pages * costs[0] / 3600:.1f} CPU hours of OCR at {costs[0]:g} s per page (issue 20's figure), "
        f"{pages * costs[1] / 3600:.1f} at {OCR_PAGES_PER_CPU_S} pages per CPU second ({costs[1]:.1f} s per "
        "page, issue 13's measurement). Each file is one task, so the work divides over every worker process "
        "that reaches the queue; the queue's own cost per file (the table above) is lost in 40–80 s of OCR "
        "per file. 2-core machines, each running `itbforms worker --processes 2`:",
        "",
        f"| machines | worker processes | wall time at {costs[0]:g} s/page | at {costs[1]:.1f} s/page |",
        "|---:|---:|---:|---:|",
    ]
    for n in machines:
        hours = [pages * cost / (2 * n) / 3600 for cost in costs]
        lines.append(f"| {n} | {2 * n} | {hours[0]:.1f} h | {hours[1]:.1f} h |")
    lines += [
        "",
        "The tail is one file (10 pages: 40–80 s on one process); the assemble task (grouping, checks and "
        "workbooks of 500 units) takes seconds. Past about 16 processes the shared PostgreSQL and storage, "
        "not the CPUs, are the next thing to measure.",
    ]
    return lines


def run() -> str:
    import platform  # noqa: PLC0415
    from datetime import datetime  # noqa: PLC0415

    bundle = build_bundle(UNITS)
    load = os.getloadavg()[0]
    direct = {n: measure(bundle, n)["seconds"] for n in (1, 2)}
    server, url = start_redis()
    try:
        queues = (("embedded", ""), ("redis", url))
        queued = {(name, n): as_job(bundle, n, u) for name, u in queues for n in (1, 2)}
    finally:
        server.terminate()
        server.wait(30)
    files = next(iter(queued.values()))["files"]
    parse_ms, task_ms = cpu_per_file(bundle)
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = [
        "## Bundle jobs on the queue (issue 20: one task per file)",
        "",
        f"Measured {stamp}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average "
        f"{load:.1f} at the start: the {UNITS}-unit bundle of the section above ({files} files) submitted as "
        "a job and done by `itbforms worker --processes N` (embedded SQLite queue, or Redis on 127.0.0.1; "
        "the job records in SQLite), timed from submission to stored results; beside it the same bundle "
        "screened directly by `screen_bundle` with N parser processes in the same run "
        "(`python -m bench.queue`).",
        "",
        "| how | processes | wall time (s) | speed-up 1→2 | overhead per file vs direct (ms) |",
        "|---|---:|---:|---:|---:|",
    ]
    for n in (1, 2):
        lines.append(f"| direct `screen_bundle` | {n} | {direct[n]:.1f} | {direct[1] / direct[n]:.2f}× | — |")
    for name in ("embedded", "redis"):
        for n in (1, 2):
            seconds = queued[(name, n)]["seconds"]
            overhead = (seconds - direct[n]) / files * 1000
            label = "queue: embedded SQLite" if name == "embedded" else "queue: Redis"
            speedup = queued[(name, 1)]["seconds"] / seconds
            lines.append(f"| {label} | {n} | {seconds:.1f} | {speedup:.2f}× | {overhead:.0f} |")
    lines += [
        "",
        f"CPU per file (this process's CPU time, unaffected by other work): `parse_entry` {parse_ms:.1f} ms, "
        f"the whole file task step {task_ms:.1f} ms — the queue's job records add "
        f"{task_ms - parse_ms:.1f} ms per file.",
        "",
        *estimate_lines(),
    ]
    text = "\n".join(lines)
    write_section(SECTION, text)
    return text


if __name__ == "__main__":
    print(run())
