"""The web server of ``make run`` (``python -m service.serving``): waitress, with a deadline for reading
each request.

Why waitress (issue 17.1, measured in ``bench/README.md``): it reads every request whole — headers and
body, the body spooled to a temporary file beyond 512 KB — in one event loop, and only a complete request
reaches one of its worker threads. A slow client therefore holds a connection, never a worker: with sync
gunicorn workers two connections sending a byte every few seconds stopped ``/healthz``, with gthread
workers as many as there are threads did. Behind nginx, ``proxy_request_buffering`` does the same.

On top of waitress's own limits (header size; a body larger than the largest upload any endpoint accepts is
refused with 413 from its ``Content-Length``, or while a chunked body is read, before it is all read), each
request has a deadline for being read (``ReadDeadlines``, as Apache's ``mod_reqtimeout``): its headers
within ``header_timeout_s``, its body within ``body_timeout_s`` more, extended by the bytes received at
``body_min_kb_per_s`` so that an honest large upload is never cut. A request past its deadline gets a 408
problem and its connection is closed; a connection that sends nothing at all is closed after
``header_timeout_s`` (waitress's ``channel_timeout``).

The first start (``service.firststart``) is decided here, once, before the server listens.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher

from service.firststart import first_start
from service.settings import Settings

log = logging.getLogger(__name__)

#: How often (seconds) the server looks for requests past their deadline.
SWEEP_S = 1


@dataclass(frozen=True)
class ReadDeadlines:
    """How long a request may take to arrive (``Settings``: ``header_timeout_s``, ``body_timeout_s``,
    ``body_min_kb_per_s``)."""

    header_s: float
    body_s: float
    body_min_bytes_per_s: float

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadDeadlines:
        return cls(settings.header_timeout_s, settings.body_timeout_s, settings.body_min_kb_per_s * 1024)

    def overdue(self, request: TimedParser, now: float) -> str | None:
        """Why ``request``, still being read at ``now``, is past its deadline; None while it is not."""
        elapsed = now - request.began
        if not request.headers_finished:
            return f"请求头未在 {self.header_s:g} 秒内发送完毕" if elapsed > self.header_s else None
        allowed = self.header_s + self.body_s + request.body_bytes_received / self.body_min_bytes_per_s
        if elapsed > allowed:
            rate = self.body_min_bytes_per_s / 1024
            return f"请求体发送过慢（{self.body_s:g} 秒之外每秒应至少 {rate:g} KB）"
        return None


class TimedParser(HTTPRequestParser):
    """waitress's request parser, remembering when the request's first bytes came."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.began = time.monotonic()


class TimedChannel(HTTPChannel):
    parser_class = TimedParser


class DeadlineServer(TcpWSGIServer):
    """waitress's TCP server that also answers 408 and closes each connection whose request is past its
    deadline (checked every ``SWEEP_S`` in waitress's own maintenance pass, in its event loop)."""

    channel_class = TimedChannel

    def __init__(self, *args: Any, deadlines: ReadDeadlines, **kwargs: Any) -> None:
        self.deadlines = deadlines
        super().__init__(*args, **kwargs)

    def maintenance(self, now: float) -> None:
        super().maintenance(now)
        mono = time.monotonic()
        for channel in list(self.active_channels.values()):
            request = channel.request
            if channel.requests or not isinstance(request, TimedParser) or request.completed:
                continue  # nothing being read, or a response under way: waitress's own business
            reason = self.deadlines.overdue(request, mono)
            if reason is not None:
                log.warning("closing %s: %s", channel.addr, reason)
                channel.request = None
                try:
                    channel.write_soon(_timeout_response(reason))
                    channel.close_when_flushed = True
                except Exception:  # already gone: just close (never let the event loop fail)
                    channel.will_close = True


def _timeout_response(reason: str) -> bytes:
    body = json.dumps(
        {
            "type": "urn:itbforms:problem:request-timeout",
            "title": "请求超时",
            "status": 408,
            "detail": reason,
        },
        ensure_ascii=False,
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
        f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def make_server(app: Callable[..., Any], host: str, port: int, settings: Settings) -> DeadlineServer:
    """The server for ``app`` on ``host:port`` (not yet running: ``.run()``), within ``settings``."""
    largest_upload_mb = max(settings.max_upload_mb, settings.bundle_max_upload_mb)
    adj = Adjustments(
        host=host,
        port=port,
        threads=settings.server_threads,
        max_request_body_size=largest_upload_mb * 1024 * 1024 + 64 * 1024,  # + the multipart framing
        channel_timeout=max(1, math.ceil(settings.header_timeout_s)),
        cleanup_interval=SWEEP_S,
        ident="itbforms",
    )
    dispatcher = ThreadedTaskDispatcher()
    dispatcher.set_thread_count(adj.threads)
    return DeadlineServer(
        app,
        {},
        dispatcher=dispatcher,
        adj=adj,
        sockinfo=adj.listen[0],
        deadlines=ReadDeadlines.from_settings(settings),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Decide the first start, then serve ``service.app`` until SIGTERM or Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m service.serving", description="itbforms 网页与 API 服务")
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认只监听本机 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    bind = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    first_start(settings, [bind])  # UnsafeStart (a SystemExit) refuses a public start without accounts
    from service.app import create_app  # Flask only once the start is decided

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    server = make_server(create_app(), args.host, args.port, settings)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # waitress stops its threads on SystemExit
    from service.queue import start_workers_beside, stop_workers_beside

    start_workers_beside(settings)
    print(f"itbforms 服务已启动：http://{bind}（{settings.server_threads} 个处理线程）", flush=True)
    try:
        server.run()
    finally:
        stop_workers_beside()
    return 0


if __name__ == "__main__":
    sys.exit(main())
