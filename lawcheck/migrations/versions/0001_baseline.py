"""Baseline: the tables of lawcheck 0.1 as `store.py` defined them before migrations existed.

A database made before this revision (tables, no alembic_version) is stamped here by
`lawcheck.migrations.ensure_schema` and upgraded from here.

Revision ID: 0001
Revises:
Create Date: 2026-12-04 22:23:25.275722
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
        "decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(), nullable=False),
        sa.Column("created_at", sa.String(), nullable=False),
        sa.Column("clause_hashes", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_decision_finding", "decision", ["finding_id"], unique=False)
    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Text(), nullable=False),
        sa.Column("rule_id", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("severity", sa.String(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("rule_hash", sa.String(length=64), nullable=False),
        sa.Column("law_ids", sa.JSON(), nullable=True),
        sa.Column("clause_keys", sa.JSON(), nullable=True),
        sa.Column("clause_hashes", sa.JSON(), nullable=True),
        sa.Column("clauses", sa.JSON(), nullable=True),
        sa.Column("resolution_hint", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("checked_at", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("finding_id"),
    )
    op.create_index("ix_finding_rule", "finding", ["rule_id"], unique=False)
    op.create_table(
        "law_version",
        sa.Column("law_id", sa.String(length=32), nullable=False),
        sa.Column("mst", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("abbreviation", sa.String(), nullable=True),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("ministry", sa.String(), nullable=True),
        sa.Column("ministry_code", sa.String(), nullable=True),
        sa.Column("promulgation_no", sa.String(length=32), nullable=True),
        sa.Column("promulgation_date", sa.String(length=10), nullable=True),
        sa.Column("effective_date", sa.String(length=10), nullable=True),
        sa.Column("revision_kind", sa.String(), nullable=True),
        sa.Column("law_key", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("article_effective_dates", sa.Text(), nullable=True),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("source_format", sa.String(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.String(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("law_id", "promulgation_no", "effective_date", name="uq_law_version"),
    )
    op.create_index("ix_law_version_law_id", "law_version", ["law_id"], unique=False)
    op.create_index("ix_law_version_name", "law_version", ["name"], unique=False)
    op.create_table(
        "tag_cache",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("analyser", sa.String(length=64), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("proviso_modality", sa.String(), nullable=True),
        sa.Column("duty_bearer", sa.String(), nullable=False),
        sa.Column("actor_type", sa.String(), nullable=False),
        sa.Column("regulated_party", sa.String(), nullable=False),
        sa.Column("rule", sa.String(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("sentences", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("content_hash", "analyser", name="uq_tag_cache"),
    )
    op.create_table(
        "block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("effective_date", sa.String(), nullable=True),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.JSON(), nullable=True),
        sa.Column("division", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["version_id"], ["law_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_block_version_position", "block", ["version_id", "position"], unique=False)
    op.create_table(
        "definition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("law_id", sa.String(length=32), nullable=False),
        sa.Column("clause_ref", sa.String(), nullable=False),
        sa.Column("term", sa.String(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("refers_to_law_id", sa.String(), nullable=True),
        sa.Column("refers_to_ref", sa.String(), nullable=True),
        sa.Column("refers_to_status", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["version_id"], ["law_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_definition_term", "definition", ["term"], unique=False)
    op.create_index("ix_definition_version_id", "definition", ["version_id"], unique=False)
    op.create_table(
        "division",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["version_id"], ["law_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "clause",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("block_id", sa.Integer(), nullable=False),
        sa.Column("law_id", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("label", sa.String(), nullable=True),
        sa.Column("parent_ref", sa.String(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("end_of_subtree", sa.Integer(), nullable=False),
        sa.Column("parts", sa.JSON(), nullable=True),
        sa.Column("notes", sa.JSON(), nullable=True),
        sa.Column("reason", sa.String(), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["block_id"], ["block.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["law_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_clause_content_hash", "clause", ["content_hash"], unique=False)
    op.create_index("ix_clause_law_ref", "clause", ["law_id", "ref"], unique=False)
    op.create_index(
        "ix_clause_version_position", "clause", ["version_id", "position"], unique=False
    )
    op.create_table(
        "clause_tag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("cache_id", sa.Integer(), nullable=False),
        sa.Column("tag", sa.String(), nullable=False),
        sa.Column("modality", sa.String(), nullable=False),
        sa.Column("inherited_from", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["cache_id"],
            ["tag_cache.id"],
        ),
        sa.ForeignKeyConstraint(["clause_id"], ["clause.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["law_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("clause_id"),
    )
    op.create_index("ix_clause_tag_version_id", "clause_tag", ["version_id"], unique=False)
    op.create_table(
        "reference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("law_id", sa.String(length=32), nullable=False),
        sa.Column("from_ref", sa.String(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("target_law_id", sa.String(length=32), nullable=True),
        sa.Column("target_law_name", sa.String(), nullable=True),
        sa.Column("target_ref", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(["clause_id"], ["clause.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["law_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_reference_target", "reference", ["target_law_id", "target_ref"], unique=False
    )
    op.create_index("ix_reference_version", "reference", ["version_id"], unique=False)
    op.create_table(
        "sanction_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("clause_id", sa.Integer(), nullable=False),
        sa.Column("law_id", sa.String(length=32), nullable=False),
        sa.Column("from_ref", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("target_law_id", sa.String(), nullable=True),
        sa.Column("target_ref", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(["clause_id"], ["clause.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["law_version.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_sanction_link_version_id", "sanction_link", ["version_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_sanction_link_version_id", "sanction_link")
    op.drop_table("sanction_link")
    op.drop_index("ix_reference_version", "reference")
    op.drop_index("ix_reference_target", "reference")
    op.drop_table("reference")
    op.drop_index("ix_clause_tag_version_id", "clause_tag")
    op.drop_table("clause_tag")
    op.drop_index("ix_clause_version_position", "clause")
    op.drop_index("ix_clause_law_ref", "clause")
    op.drop_index("ix_clause_content_hash", "clause")
    op.drop_table("clause")
    op.drop_table("division")
    op.drop_index("ix_definition_version_id", "definition")
    op.drop_index("ix_definition_term", "definition")
    op.drop_table("definition")
    op.drop_index("ix_block_version_position", "block")
    op.drop_table("block")
    op.drop_table("tag_cache")
    op.drop_index("ix_law_version_name", "law_version")
    op.drop_index("ix_law_version_law_id", "law_version")
    op.drop_table("law_version")
    op.drop_index("ix_finding_rule", "finding")
    op.drop_table("finding")
    op.drop_index("ix_decision_finding", "decision")
    op.drop_table("decision")
