"""``python -m bench.load --start``: a bounded load test of the server of ``make run`` (issue 7).

50 client threads (``--clients``) send requests for 60 s (``--duration``) to a server on the loopback
interface only — parse a Word, a PDF and an Excel file, fill a Word and a PDF file, mixed at random with a
fixed seed — then stop by themselves. Reported per operation: requests, 2xx/4xx/5xx, transport errors,
throughput, p50/p95 latency, beside the figures of the previous run; for the server: the memory of its
whole process tree (server processes, their LibreOffice children; RSS sampled every 0.5 s: start, peak,
end), LibreOffice processes and temporary files left after the run. Exit status 0 when no answer was a
5xx or failed and nothing leaked.

``--start`` starts the server itself as ``make run`` does (``python -m service.serving``, waitress; or
``--server gunicorn-sync``, the sync gunicorn workers ``make run`` used before issue 17) on a free port of
127.0.0.1, with its own temporary and data directories so that what it leaves behind is counted exactly,
and stops it (its whole process group) at the end. Without ``--start`` it loads a server already running on
``--host``/``--port`` (127.0.0.1:8000, ``make run``).

The documents are made from the example records (``examples/``), the PDF by LibreOffice once. The result
table is written into ``bench/README.md`` between its ``bench-load`` markers (``--no-write``: print only).
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench.processes import children, descendants
from bench.readme import README, write_section

ROOT = Path(__file__).resolve().parents[1]
SECTION = "bench-load"  # of bench/README.md
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
#: The operations and how often each is drawn (fill PDF runs LibreOffice: ~1–2 s of a worker each).
MIX: dict[str, float] = {
    "parse docx": 0.25,
    "parse pdf": 0.20,
    "parse xlsx": 0.20,
    "fill docx": 0.20,
    "fill pdf": 0.15,
}
REQUEST_TIMEOUT = 180.0  # a request is never cut short by us first
SAMPLE_EVERY = 0.5
WINDOW = 10.0  # seconds at the start and at the end of the load whose peaks are compared (a leak grows)
PROJECT_TEMP_PREFIXES = ("itbforms-", "lu")  # our TemporaryDirectory prefixes, LibreOffice's scratch files


class LoadError(Exception):
    """The load test cannot run as asked (a host off the loopback interface, a server that never answers)."""


def loopback_host(host: str) -> str:
    """``host`` when it is the loopback interface (by name and by every address it resolves to)."""
    if host not in LOOPBACK_NAMES:
        raise LoadError(f"只对本机回环地址施压（{'、'.join(LOOPBACK_NAMES)}），拒绝 {host!r}")
    for info in socket.getaddrinfo(host, None):
        if not ipaddress.ip_address(info[4][0]).is_loopback:
            raise LoadError(f"{host!r} 解析为非回环地址 {info[4][0]}，拒绝")
    return host


# --- the requests -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes
    content_type: str


def multipart(data: bytes, filename: str) -> tuple[bytes, str]:
    boundary = "itbforms-load-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def requests() -> dict[str, Request]:
    """One request per operation, its documents made from the example records (one LibreOffice run)."""
    sys.path.insert(0, str(ROOT))
    from forms.records import load_record  # noqa: PLC0415
    from templates.render import fill  # noqa: PLC0415

    examples = {
        f: json.loads((ROOT / "examples" / f"{f}.json").read_text("utf-8")) for f in ("annex1", "annex2")
    }
    annex1 = load_record(examples["annex1"]).record
    documents = {
        "docx": ("申报书.docx", fill("annex1", annex1, "docx")),
        "pdf": ("申报书.pdf", fill("annex1", annex1, "pdf")),
        "xlsx": ("年度运行情况表.xlsx", fill("annex2", load_record(examples["annex2"]).record, "xlsx")),
    }
    out = {}
    for kind, (name, data) in documents.items():
        body, content_type = multipart(data, name)
        out[f"parse {kind}"] = Request("POST", "/api/v1/parse", body, content_type)
    record = json.dumps(examples["annex1"], ensure_ascii=False).encode()
    for fmt in ("docx", "pdf"):
        out[f"fill {fmt}"] = Request(
            "POST", f"/api/v1/forms/annex1/fill?format={fmt}", record, "application/json"
        )
    return out


@dataclass
class Outcome:
    operation: str
    status: int  # 0: no answer (connection error, timeout)
    seconds: float
    started: float


def send(host: str, port: int, request: Request) -> int:
    """The status of one request on a new connection (as a browser's upload would come)."""
    conn = http.client.HTTPConnection(host, port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request(
            request.method,
            request.path,
            body=request.body,
            headers={"Content-Type": request.content_type, "Connection": "close"},
        )
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def client(
    host: str, port: int, reqs: dict[str, Request], until: float, seed: int, outcomes: list[Outcome]
) -> None:
    rng = random.Random(seed)
    names, weights = list(MIX), list(MIX.values())
    while time.monotonic() < until:
        operation = rng.choices(names, weights)[0]
        started = time.monotonic()
        try:
            status = send(host, port, reqs[operation])
        except (OSError, http.client.HTTPException):
            status = 0
        outcomes.append(Outcome(operation, status, time.monotonic() - started, started))


# --- the server's process tree ----------------------------------------------------------------------------


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def osl_pipes() -> set[str]:
    """LibreOffice's IPC sockets in /tmp (always /tmp, whatever TMPDIR says): a killed soffice leaves one."""
    return {n for n in os.listdir("/tmp") if n.startswith("OSL_PIPE_")}


def soffice_pids(pids: list[int] | None = None) -> list[int]:
    """LibreOffice processes (of ``pids``, or of the whole machine)."""
    out = []
    for pid in pids if pids is not None else [int(p.name) for p in Path("/proc").glob("[0-9]*")]:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
        except OSError:
            continue
        if name.startswith("soffice"):
            out.append(pid)
    return out


def find_server(host: str, port: int) -> int:
    """The pid of the server on ``host:port`` (``make run``'s, or a gunicorn master: its command line names
    the port)."""
    masters = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        ours = b"service.serving" in args and str(port).encode() in args
        if ours or (any(b"gunicorn" in a for a in args) and f"{host}:{port}".encode() in args):
            masters.append(int(entry.name))
    tree = children()
    roots = [p for p in masters if not any(p in tree.get(m, []) for m in masters)]
    if not roots:
        raise LoadError(f"找不到在 {host}:{port} 上运行的服务（先 make run，或用 --start）")
    return roots[0]


@dataclass
class Samples:
    mb: list[tuple[float, float]] = field(default_factory=list)  # (time, RSS of the whole tree)
    python_mb: list[float] = field(default_factory=list)  # RSS of the server's own processes (no LibreOffice)
    soffice_peak: int = 0


def sample(root: int, stop: threading.Event, samples: Samples) -> None:
    while not stop.is_set():
        pids = descendants(root)
        office = soffice_pids(pids)
        samples.mb.append((time.monotonic(), rss_mb(pids)))
        samples.python_mb.append(rss_mb([p for p in pids if p not in office]))
        samples.soffice_peak = max(samples.soffice_peak, len(office))
        stop.wait(SAMPLE_EVERY)


# --- starting and stopping a server -----------------------------------------------------------------------


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    port: int
    scratch: Path  # its TMPDIR and data directory live here

    @property
    def tmpdir(self) -> Path:
        return self.scratch / "tmp"


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


#: The servers ``--start`` can start: ours (``make run``) and, for comparison, the one used before.
SERVERS = ("itbforms", "gunicorn-sync")


def server_command(server: str, host: str, port: int, workers: int) -> list[str]:
    if server == "itbforms":
        return [sys.executable, "-m", "service.serving", "--host", host, "--port", str(port)]
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    return [
        gunicorn,
        "--workers",
        str(workers),
        "--bind",
        bind,
        "--timeout",
        "180",
        "service.app:create_app()",
    ]


def start_server(host: str, workers: int, server: str = "itbforms") -> Server:
    port = free_port(host)
    scratch = Path(tempfile.mkdtemp(prefix="itbforms-load-"))
    (scratch / "tmp").mkdir()
    env = {
        **os.environ,
        "TMPDIR": str(scratch / "tmp"),
        "ITBFORMS_DATA_DIR": str(scratch / "var"),
    }
    proc = subprocess.Popen(
        server_command(server, host, port, workers),
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(scratch / "server.log", "wb"),  # noqa: SIM115 (the child owns it)
        start_new_session=True,
    )
    server = Server(proc, port, scratch)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(host, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return server
        except OSError:
            time.sleep(0.2)
        if proc.poll() is not None:
            break
    stop_server(server)
    raise LoadError(f"服务未能启动，见 {scratch / 'server.log'}")


def stop_server(server: Server) -> None:
    """SIGTERM to the whole process group (the server stops its threads or workers), SIGKILL after 20 s."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(server.proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            server.proc.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue


# --- the run ----------------------------------------------------------------------------------------------


@dataclass
class Result:
    when: str
    clients: int
    duration: float
    wall: float
    outcomes: list[Outcome]
    mb_start: float
    mb_peak: float
    mb_first: float  # peak in the first WINDOW seconds of the load
    mb_last: float  # peak in the last WINDOW seconds
    mb_end: float
    python_mb: tuple[float, float, float]  # the server's processes without LibreOffice: start, peak, end
    soffice_peak: int
    soffice_left: int
    temp_left: list[str]
    server: str  # which server, as the report names it

    @property
    def server_errors(self) -> int:
        return sum(1 for o in self.outcomes if o.status >= 500 or o.status == 0)

    @property
    def ok(self) -> bool:
        return self.server_errors == 0 and self.soffice_left == 0 and not self.temp_left


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def table(result: Result) -> str:
    lines = [
        "| operation | requests | 2xx | 4xx | 5xx | no answer | req/s | p50 (s) | p95 (s) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    groups: dict[str, list[Outcome]] = {name: [] for name in MIX}
    for o in result.outcomes:
        groups[o.operation].append(o)
    for name, items in [*groups.items(), ("all", result.outcomes)]:
        secs = [o.seconds for o in items]
        statuses = [o.status for o in items]
        ok = sum(1 for s in statuses if 200 <= s < 300)
        client_errors = sum(1 for s in statuses if 400 <= s < 500)
        server_errors = sum(1 for s in statuses if s >= 500)
        lines.append(
            f"| {f'**{name}**' if name == 'all' else name} | {len(items)} | {ok} | {client_errors} "
            f"| {server_errors} | {statuses.count(0)} | {len(items) / result.wall:.2f} "
            f"| {percentile(secs, 50):.2f} | {percentile(secs, 95):.2f} |"
        )
    return "\n".join(lines)


def describe_server(server: str, workers: int) -> str:
    if server == "itbforms":
        return "the server of `make run` (waitress, `service.serving`)"
    return f"{workers} sync gunicorn workers (the server of `make run` before issue 17)"


def previous_run(section: str = SECTION) -> str | None:
    """The date and **all** row of the figures now in ``bench/README.md``: what this run is compared with."""
    text = README.read_text(encoding="utf-8") if README.exists() else ""
    body = text.partition(f"<!-- {section}:begin -->")[2].partition(f"<!-- {section}:end -->")[0]
    stamp = next((line.split(" on ")[0] for line in body.splitlines() if line.startswith("Measured ")), None)
    row = next((line for line in body.splitlines() if line.startswith("| **all** |")), None)
    if stamp is None or row is None:
        return None
    cells = [c.strip() for c in row.strip("|").split("|")]
    return f"{stamp.removeprefix('Measured ')}: {cells[6]} req/s, p50 {cells[7]} s, p95 {cells[8]} s"


def report(result: Result, previous: str | None = None) -> str:
    verdict = "met" if result.ok else "NOT met"
    return "\n".join(
        [
            f"## Load (issue 7: {result.clients} concurrent clients)",
            "",
            f"Measured {result.when} on {os.cpu_count()} CPUs, Python {sys.version.split()[0]}: "
            f"`python -m bench.load --start` — {result.clients} client threads for {result.duration:g} s "
            f"against {result.server} on 127.0.0.1, each request on a new connection, "
            f"mixed at random ({', '.join(f'{k} {v:.0%}' for k, v in MIX.items())}); wall time "
            f"{result.wall:.0f} s including the requests in flight at the end. Latency includes the wait in "
            f"the queue ({result.clients} clients share its workers: requests wait, none is dropped)."
            + (f" The previous run ({previous}) is the row to compare **all** with." if previous else ""),
            "",
            table(result),
            "",
            "| server | value |",
            "|---|---:|",
            f"| RSS of the server's process tree at start (MB) | {result.mb_start:.0f} |",
            f"| peak RSS during the run (MB) | {result.mb_peak:.0f} |",
            f"| peak RSS in the first {WINDOW:g} s / the last {WINDOW:g} s of load (MB) "
            f"| {result.mb_first:.0f} / {result.mb_last:.0f} |",
            f"| RSS at the end (MB) | {result.mb_end:.0f} |",
            "| the server's own processes (no LibreOffice): start / peak / end (MB) "
            f"| {' / '.join(f'{mb:.0f}' for mb in result.python_mb)} |",
            f"| LibreOffice processes at once, at most | {result.soffice_peak} |",
            f"| LibreOffice processes left after the run | {result.soffice_left} |",
            f"| temporary files left after the run | {len(result.temp_left)} |",
            "",
            "Targets: no answer 5xx or missing, no LibreOffice process and no temporary file left — "
            f"{verdict}.",
        ]
    )


def run(
    host: str,
    port: int,
    *,
    clients: int,
    duration: float,
    start: bool,
    workers: int,
    log: Callable[[str], None],
    server_name: str = "itbforms",
) -> Result:
    host = loopback_host(host)
    server = start_server(host, workers, server_name) if start else None
    try:
        if server:
            port = server.port
            root = server.proc.pid
        else:
            root = find_server(host, port)
        log(f"server: pid {root} on {host}:{port}; making the documents …")
        reqs = requests()
        for name, req in reqs.items():  # warm-up: every worker imports what each operation needs
            for _ in range(2):
                status = send(host, port, req)
                if status != 200:
                    raise LoadError(f"warm-up {name}: HTTP {status}")
        temp_before = set(os.listdir(server.tmpdir if server else tempfile.gettempdir()))
        pipes_before = osl_pipes()
        soffice_before = set(soffice_pids())
        samples, stop = Samples(), threading.Event()
        sampler = threading.Thread(target=sample, args=(root, stop, samples), daemon=True)
        sampler.start()
        outcomes: list[Outcome] = []
        log(f"{clients} clients for {duration:g} s …")
        began = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(host, port, reqs, began + duration, seed, outcomes))
            for seed in range(clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.monotonic() - began
        time.sleep(2)  # let the last conversions' clean-up finish
        stop.set()
        sampler.join()
        tree = descendants(root)
        temp_after = set(os.listdir(server.tmpdir if server else tempfile.gettempdir()))
        new_temp = sorted(
            n for n in temp_after - temp_before if server or n.startswith(PROJECT_TEMP_PREFIXES)
        ) + sorted(osl_pipes() - pipes_before)
        mbs = [mb for _, mb in samples.mb]
        first = [mb for t, mb in samples.mb if t <= began + WINDOW] or mbs
        last = [mb for t, mb in samples.mb if began + duration - WINDOW <= t <= began + duration] or mbs
        return Result(
            when=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            clients=clients,
            duration=duration,
            wall=wall,
            outcomes=outcomes,
            mb_start=mbs[0],
            mb_peak=max(mbs),
            mb_first=max(first),
            mb_last=max(last),
            mb_end=rss_mb(tree),
            python_mb=(samples.python_mb[0], max(samples.python_mb), rss_mb(tree)),
            soffice_peak=samples.soffice_peak,
            soffice_left=len(set(soffice_pids(tree)) | (set(soffice_pids()) - soffice_before - set(tree))),
            temp_left=new_temp,
            server=describe_server(server_name, workers) if server else f"the server on port {port}",
        )
    finally:
        if server:
            stop_server(server)
            shutil.rmtree(server.scratch, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1", help="loopback only: 127.0.0.1, localhost or ::1")
    parser.add_argument("--port", type=int, default=8000, help="port of a running server (without --start)")
    parser.add_argument(
        "--start", action="store_true", help="start gunicorn as `make run` does, stop it after"
    )
    parser.add_argument("--server", choices=SERVERS, default="itbforms", help="which server --start starts")
    parser.add_argument("--workers", type=int, default=2, help="workers of gunicorn-sync (default 2)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument(
        "--no-write", action="store_true", help="print the table, leave bench/README.md alone"
    )
    args = parser.parse_args(argv)
    if not 1 <= args.clients <= 200 or not 0 < args.duration <= 600:
        parser.error("--clients 1–200, --duration up to 600 s: the run must stay bounded")

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    try:
        result = run(
            args.host,
            args.port,
            clients=args.clients,
            duration=args.duration,
            start=args.start,
            workers=args.workers,
            log=log,
            server_name=args.server,
        )
    except LoadError as exc:
        log(f"bench.load: {exc}")
        return 2
    text = report(result, previous_run())
    print(text)
    if result.temp_left:
        log(f"left in the temporary directory: {', '.join(result.temp_left[:10])}")
    if not args.no_write:
        write_section(SECTION, text)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
