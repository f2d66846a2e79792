"""The audit log: who submitted, read, downloaded and deleted which job, who signed in, and when.

It keeps no content (no file names, no records): the account, the action, the job id and the client's
address. A table of the service's database (``service.database``), in its own module as the accounts are;
``itbforms audit`` prints it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from service import database

#: Action → what people read.
ACTIONS = {
    "submit": "提交任务",
    "read": "读取核查报告",
    "download": "下载推荐汇总表",
    "delete": "删除任务",
    "retention": "缩短保存期限",
    "denied": "访问他人任务（已拒绝）",
    "login": "登录",
    "login_failed": "登录失败",
    "logout": "退出登录",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id      INTEGER PRIMARY KEY,
    at      REAL NOT NULL,
    account TEXT,
    action  TEXT NOT NULL,
    job_id  TEXT,
    remote  TEXT
);
CREATE INDEX IF NOT EXISTS audit_by_job ON audit (job_id);
"""


@dataclass(frozen=True)
class Entry:
    at: float
    account: str | None
    action: str
    job_id: str | None
    remote: str | None

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    def line(self) -> str:
        """One line for people: ``2026-11-30 14:02:11  张三  提交任务  任务 3f2a…  来自 10.0.0.5``."""
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.at))
        parts = [when, self.account or "（未登录）", self.action_label]
        if self.job_id:
            parts.append(f"任务 {self.job_id}")
        if self.remote:
            parts.append(f"来自 {self.remote}")
        return "  ".join(parts)


class AuditLog:
    """The audit table of the database at ``path``."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        database.prepare(self.path, SCHEMA)

    def record(
        self, account: str | None, action: str, job_id: str | None = None, remote: str | None = None
    ) -> None:
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        with database.transaction(self.path) as db:
            db.execute(
                "INSERT INTO audit (at, account, action, job_id, remote) VALUES (?, ?, ?, ?, ?)",
                (time.time(), account, action, job_id, remote),
            )

    def entries(
        self, *, account: str | None = None, job_id: str | None = None, limit: int | None = None
    ) -> list[Entry]:
        """Entries oldest first (the newest ``limit`` of them when given), filtered by account and job."""
        where, params = [], []
        if account is not None:
            where.append("account = ?")
            params.append(account)
        if job_id is not None:
            where.append("job_id = ?")
            params.append(job_id)
        query = "SELECT at, account, action, job_id, remote FROM audit"
        if where:
            query += " WHERE " + " AND ".join(where)
        query += " ORDER BY id DESC"
        if limit is not None:
            query += f" LIMIT {int(limit)}"
        with database.connect(self.path) as db:
            rows = db.execute(query, params).fetchall()
        return [Entry(r["at"], r["account"], r["action"], r["job_id"], r["remote"]) for r in reversed(rows)]
