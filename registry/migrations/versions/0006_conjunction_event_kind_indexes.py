"""conjunction event indexes by kind

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 10:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("conjunction_events") as batch:
        batch.drop_index("ix_conjunction_events_run_a")
        batch.drop_index("ix_conjunction_events_run_b")
        batch.create_index("ix_conjunction_events_run_a_kind", ["run_id", "norad_a", "kind"])
        batch.create_index("ix_conjunction_events_run_b_kind", ["run_id", "norad_b", "kind"])
        batch.create_index("ix_conjunction_events_run_kind_miss", ["run_id", "kind", "miss_km"])


def downgrade() -> None:
    with op.batch_alter_table("conjunction_events") as batch:
        batch.drop_index("ix_conjunction_events_run_kind_miss")
        batch.drop_index("ix_conjunction_events_run_b_kind")
        batch.drop_index("ix_conjunction_events_run_a_kind")
        batch.create_index("ix_conjunction_events_run_b", ["run_id", "norad_b"])
        batch.create_index("ix_conjunction_events_run_a", ["run_id", "norad_a"])
