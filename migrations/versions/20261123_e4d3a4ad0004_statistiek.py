"""statistiek tables

Revision ID: e4d3a4ad0004
Revises: d3c2f39c0003
Create Date: 2026-11-23 14:40:00

Placeholder in the fixed migration chain; the statistiek component fills in
upgrade() and downgrade() for its own tables only.
"""
from alembic import op
import sqlalchemy as sa


revision = 'e4d3a4ad0004'
down_revision = 'd3c2f39c0003'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
