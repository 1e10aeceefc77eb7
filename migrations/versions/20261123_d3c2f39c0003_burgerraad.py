"""burgerraad tables

Revision ID: d3c2f39c0003
Revises: c2b1e28b0002
Create Date: 2026-11-23 14:40:00

Placeholder in the fixed migration chain; the burgerraad component fills in
upgrade() and downgrade() for its own tables only.
"""
from alembic import op
import sqlalchemy as sa


revision = 'd3c2f39c0003'
down_revision = 'c2b1e28b0002'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
