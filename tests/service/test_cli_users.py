"""``itbforms users …`` and ``itbforms audit`` on the service's own database (``ITBFORMS_DATA_DIR``): the
token printed as the last line works against the API, a password set with ``--password-stdin`` signs in on
the pages, and the audit log prints who did what."""

from __future__ import annotations

import io

import pytest

from service.app import create_app
from service.cli import main
from tests.service.api_calls import assert_problem, bearer
from tests.service.page_calls import sign_in

API = "/api/v1"


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("ITBFORMS_DATA_DIR", str(tmp_path))
    return tmp_path


def last_line(capsys) -> str:
    return capsys.readouterr().out.rstrip("\n").splitlines()[-1]


def test_users_add_prints_a_token_the_service_accepts(data_dir, capsys):
    assert main(["users", "add", "江苏省工信厅", "--role", "authority"]) == 0
    token = last_line(capsys)
    client = bearer(create_app({"TESTING": True, "data_dir": str(data_dir)}), token)
    # the token is accepted (an unknown job is a 404, not a 401)
    assert_problem(client.get(f"{API}/jobs/0123abc"), 404, "job-not-found")
    assert main(["users", "token", "江苏省工信厅"]) == 0
    new = last_line(capsys)
    assert new != token
    assert_problem(client.get(f"{API}/jobs/0123abc"), 401, "unauthorized")
    assert_problem(bearer(client.application, new).get(f"{API}/jobs/0123abc"), 404, "job-not-found")


def test_password_stdin_lets_the_account_sign_in_on_the_pages(data_dir, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("长一些的密码-2026\n"))
    assert main(["users", "add", "浙江省经信厅", "--role", "authority", "--password-stdin"]) == 0
    assert "可用密码登录网页" in capsys.readouterr().out
    client = create_app({"TESTING": True, "data_dir": str(data_dir)}).test_client()
    refused = sign_in(client, "浙江省经信厅", "不对的密码-2026")
    assert refused.status_code == 200 and "账户名或密码不正确" in refused.get_data(as_text=True)
    response = sign_in(client, "浙江省经信厅", "长一些的密码-2026")
    assert response.status_code == 302
    assert "浙江省经信厅" in client.get("/").get_data(as_text=True)


def test_users_list_and_remove(data_dir, capsys):
    main(["users", "add", "甲", "--role", "integrator"])
    main(["users", "add", "乙", "--role", "admin"])
    capsys.readouterr()
    assert main(["users", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[:3] for line in lines] == [
        ["乙", "admin", "管理员"],
        ["甲", "integrator", "接口用户"],
    ]
    assert main(["users", "remove", "甲"]) == 0
    capsys.readouterr()
    main(["users", "list"])
    assert [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()] == ["乙"]


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["users", "remove", "无此人"], "", "账户 无此人 不存在"),
        (["users", "token", "无此人"], "", "账户 无此人 不存在"),
        (["users", "add", "丙", "--role", "authority", "--password-stdin"], "short\n", "密码过短"),
    ],
)
def test_user_errors_are_one_chinese_line_and_exit_2(data_dir, capsys, monkeypatch, argv, stdin, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_an_unknown_role_is_refused_by_the_parser(data_dir, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["users", "add", "丁", "--role", "root"])
    assert exit_.value.code == 2 and "authority" in capsys.readouterr().err


def test_audit_prints_sign_ins(data_dir, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("长一些的密码-2026\n"))
    main(["users", "add", "戊", "--role", "authority", "--password-stdin"])
    client = create_app({"TESTING": True, "data_dir": str(data_dir)}).test_client()
    sign_in(client, "戊", "错的密码-000000")
    sign_in(client, "戊", "长一些的密码-2026")
    capsys.readouterr()
    assert main(["audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("  ")[1:3] for line in lines] == [["戊", "登录失败"], ["戊", "登录"]]
    assert main(["audit", "--account", "无此人"]) == 0
    assert "没有符合条件的记录" in capsys.readouterr().out
