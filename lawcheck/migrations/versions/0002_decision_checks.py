"""Decisions: a CHECK that `decision` is one of the three values, and an index on
(finding_id, created_at) — the order in which the review queue reads a finding's history.

Rows that break the CHECK stop the upgrade with their ids (nothing is changed) instead of being
dropped or rewritten. On SQLite the table is copied (batch mode), every row with it.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from lawcheck.errors import MigrationError

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# A copy, not store.DECISIONS: a revision must do the same thing whatever store.py says later.
VALUES = ("confirmed", "dismissed", "needs_discussion")
CHECK = "decision IN ({})".format(", ".join(f"'{v}'" for v in VALUES))


def upgrade() -> None:
    bad = (
        op.get_bind()
        .execute(
            sa.text("SELECT id, decision FROM decision WHERE decision NOT IN :values").bindparams(
                sa.bindparam("values", expanding=True)
            ),
            {"values": list(VALUES)},
        )
        .all()
    )
    if bad:
        listed = ", ".join(f"#{row_id} {value!r}" for row_id, value in bad[:10])
        raise MigrationError(
            f"{len(bad)} decision row(s) hold a value other than {', '.join(VALUES)} ({listed}); "
            "correct them (UPDATE decision SET decision = … WHERE id = …) and run "
            "`lawcheck db upgrade` again — nothing was changed"
        )
    op.drop_index("ix_decision_finding", "decision")
    with op.batch_alter_table("decision") as batch:
        batch.create_check_constraint("ck_decision_value", CHECK)
    op.create_index("ix_decision_finding_created", "decision", ["finding_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_decision_finding_created", "decision")
    with op.batch_alter_table("decision") as batch:
        batch.drop_constraint("ck_decision_value", type_="check")
    op.create_index("ix_decision_finding", "decision", ["finding_id"])
