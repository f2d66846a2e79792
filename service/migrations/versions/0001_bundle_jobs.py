"""Bundle jobs, their files (one task each) and their results.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bundle_jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("params", sa.Text, nullable=False, server_default="{}"),
        sa.Column("input_path", sa.Text),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("updated_at", sa.Float, nullable=False),
        sa.Column("started_at", sa.Float),
        sa.Column("finished_at", sa.Float),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done", sa.Integer, nullable=False, server_default="0"),
        sa.Column("total", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("notes", sa.Text, nullable=False, server_default="[]"),
        sa.Column("account", sa.String(64)),
        sa.Column("retention_s", sa.Float),
    )
    op.create_index("bundle_jobs_by_status", "bundle_jobs", ["status", "created_at"])
    op.create_index("bundle_jobs_by_account", "bundle_jobs", ["account", "status"])
    op.create_table(
        "bundle_files",
        sa.Column(
            "job_id", sa.String(32), sa.ForeignKey("bundle_jobs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("idx", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("entry", sa.Text, nullable=False),
        sa.Column("folder", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("task", sa.String(16)),
        sa.Column("started_at", sa.Float),
        sa.Column("worker", sa.Text),
        sa.Column("outcome", sa.LargeBinary),
    )
    op.create_index("bundle_files_by_task", "bundle_files", ["task", "started_at"])
    op.create_table(
        "bundle_results",
        sa.Column(
            "job_id", sa.String(32), sa.ForeignKey("bundle_jobs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("report", sa.LargeBinary, nullable=False),
        sa.Column("summary", sa.LargeBinary, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("bundle_results")
    op.drop_table("bundle_files")
    op.drop_table("bundle_jobs")
