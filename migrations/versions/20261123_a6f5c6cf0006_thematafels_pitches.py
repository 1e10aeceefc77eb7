"""thematafels_pitches tables

Revision ID: a6f5c6cf0006
Revises: f5e4b5be0005
Create Date: 2026-11-23 14:40:00

Placeholder in the fixed migration chain; the thematafels_pitches component fills in
upgrade() and downgrade() for its own tables only.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a6f5c6cf0006'
down_revision = 'f5e4b5be0005'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
