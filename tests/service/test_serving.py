"""The server of ``make run`` (``python -m service.serving``) against slow and oversized clients, over raw
sockets on 127.0.0.1: slow clients hold no worker, a request past its read deadline is cut off, a body over
the limit is refused before it is sent. The server runs as a subprocess with short deadlines and two
worker threads, so that sync workers would already be stuck."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

HOST = "127.0.0.1"
SETTINGS = {
    "ITBFORMS_SERVER_THREADS": "2",
    "ITBFORMS_HEADER_TIMEOUT_S": "2",
    "ITBFORMS_BODY_TIMEOUT_S": "3",
    "ITBFORMS_MAX_UPLOAD_MB": "1",
    "ITBFORMS_BUNDLE_MAX_UPLOAD_MB": "1",
    "ITBFORMS_JOB_WORKERS": "1",
}
SLOW_POST = b"POST /api/v1/parse HTTP/1.1\r\nHost: t\r\nContent-Type: application/octet-stream\r\n"
STEP_S = 0.25  # between two bytes of a slow client
MAX_STEPS = 200  # a slow client gives up after this many bytes (the test stays bounded)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def healthz(port: int) -> int:
    conn = http.client.HTTPConnection(HOST, port, timeout=10)
    try:
        conn.request("GET", "/healthz")
        return conn.getresponse().status
    finally:
        conn.close()


def start(data_dir: Path, host: str = HOST) -> tuple[subprocess.Popen[str], int]:
    port = free_port()
    env = {**os.environ, **SETTINGS, "ITBFORMS_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "service.serving", "--host", host, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    return proc, port


def stop(proc: subprocess.Popen[str]) -> tuple[str, str]:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        return proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.communicate(timeout=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    proc, port = start(tmp_path_factory.mktemp("serving"))
    try:
        for _ in range(300):  # until it answers (at most 300 tries)
            try:
                if healthz(port) == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(f"the server did not start: {stop(proc)}")
        yield port
    finally:
        out, err = stop(proc)
        assert "Traceback" not in err, err


def trickle(sock: socket.socket, steps: int = MAX_STEPS) -> tuple[int, bytes]:
    """Send one byte every ``STEP_S`` until the server closes the connection (or ``steps`` bytes were
    sent); the bytes sent and what the server answered."""
    sock.settimeout(STEP_S)
    answer = b""
    for sent in range(steps):
        try:
            sock.sendall(b"x")
            data = sock.recv(4096)
            if not data:
                return sent, answer
            answer += data
        except TimeoutError:
            continue
        except OSError:  # reset: closed while our byte was on its way
            return sent, answer
    return steps, answer


def still_open(sock: socket.socket) -> bool:
    """The server has neither answered nor closed ``sock`` (reading would block)."""
    sock.setblocking(False)
    try:
        sock.recv(1)  # an answer, or b"": closed
        return False
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        sock.setblocking(True)


def test_slow_posts_hold_no_worker_and_are_cut_off(server: int) -> None:
    slow = [socket.create_connection((HOST, server)) for _ in range(3)]  # more than the 2 worker threads
    try:
        for sock in slow:
            sock.sendall(SLOW_POST + b"Content-Length: 100000\r\n\r\n" + b"x")
        answers = [healthz(server) for _ in range(5)]
        assert all(still_open(sock) for sock in slow)  # healthz answered while the slow posts were open
        assert answers == [200] * 5
        for sock in slow:
            sent, answer = trickle(sock)
            assert sent < MAX_STEPS  # the server closed it: the client did not give up first
            assert not answer or answer.startswith(b"HTTP/1.1 408 Request Timeout")
    finally:
        for sock in slow:
            sock.close()
    assert healthz(server) == 200


def test_a_slow_header_sender_is_cut_off(server: int) -> None:
    with socket.create_connection((HOST, server)) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        assert still_open(sock)
        sent, answer = trickle(sock)
    assert sent < MAX_STEPS
    assert not answer or b"408" in answer.split(b"\r\n", 1)[0]


def test_a_connection_that_sends_nothing_is_closed(server: int) -> None:
    with socket.create_connection((HOST, server)) as sock:
        sock.settimeout(STEP_S)
        for _ in range(MAX_STEPS):
            try:
                assert sock.recv(1) == b""  # closed without an answer
                break
            except TimeoutError:
                continue
        else:
            pytest.fail("the idle connection was never closed")


def test_a_body_declared_over_the_limit_is_refused_before_it_is_sent(server: int) -> None:
    with socket.create_connection((HOST, server)) as sock:
        sock.sendall(SLOW_POST + b"Content-Length: 2000000000\r\n\r\n")
        sock.settimeout(30)
        assert sock.recv(4096).startswith(b"HTTP/1.1 413")  # no byte of the body was sent


def test_a_chunked_body_over_the_limit_is_refused_while_it_is_read(server: int) -> None:
    chunk = b"10000\r\n" + b"a" * 0x10000 + b"\r\n"  # 64 KiB
    intended = 64  # 4 MiB, four times the 1 MiB limit
    sent = 0
    with socket.create_connection((HOST, server)) as sock:
        sock.settimeout(30)
        sock.sendall(b"POST /api/v1/parse HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(intended):
                sock.sendall(chunk)
                sent += 1
        except OSError:
            pass
        try:
            answer = sock.recv(4096)
        except OSError:
            answer = b""
    assert sent < intended  # refused before all of it was taken
    assert not answer or answer.startswith(b"HTTP/1.1 413")


def test_first_start_on_loopback_makes_admin_once(tmp_path: Path) -> None:
    outputs = []
    for _ in range(2):
        proc, port = start(tmp_path)
        try:
            for _ in range(300):
                try:
                    if healthz(port) == 200:
                        break
                except OSError:
                    time.sleep(0.2)
        finally:
            outputs.append(stop(proc)[0])
    assert outputs[0].count("已创建管理员账户 admin") == 1 and "已创建管理员账户" not in outputs[1]


def test_a_public_start_without_accounts_refuses(tmp_path: Path) -> None:
    proc, _ = start(tmp_path, host="0.0.0.0")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "拒绝启动" in err and "itbforms users add" in err and "Traceback" not in err
