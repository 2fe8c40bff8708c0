"""spacereg registry: models, persistence, workflow, validation, audit, jobs."""

from sqlmodel import SQLModel

# Set before any model is defined, so every constraint gets a stable, portable name
# (Alembic compares and drops constraints by name).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
