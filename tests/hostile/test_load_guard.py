"""``bench.load`` only ever loads the loopback interface, and its bounds are enforced before anything runs."""

from __future__ import annotations

import pytest

from bench.load import LoadError, loopback_host, main


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1"])
def test_loopback_hosts_are_accepted(host: str) -> None:
    assert loopback_host(host) == host


@pytest.mark.parametrize("host", ["10.0.0.1", "0.0.0.0", "example.com", "127.0.0.1.nip.io", "[::1]"])
def test_any_other_host_is_refused_before_a_request(host: str) -> None:
    with pytest.raises(LoadError, match="回环"):
        loopback_host(host)


def test_the_command_refuses_a_remote_host_and_unbounded_runs(capsys) -> None:
    assert main(["--host", "192.0.2.1", "--no-write"]) == 2
    assert "拒绝" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--duration", "3600", "--no-write"])
