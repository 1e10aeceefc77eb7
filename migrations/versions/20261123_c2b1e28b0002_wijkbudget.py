"""wijkbudget tables

Revision ID: c2b1e28b0002
Revises: b1a0d17a0001
Create Date: 2026-11-23 14:40:00

Placeholder in the fixed migration chain; the wijkbudget component fills in
upgrade() and downgrade() for its own tables only.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c2b1e28b0002'
down_revision = 'b1a0d17a0001'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
