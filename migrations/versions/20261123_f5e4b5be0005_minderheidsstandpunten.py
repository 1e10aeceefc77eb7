"""minderheidsstandpunten tables

Revision ID: f5e4b5be0005
Revises: e4d3a4ad0004
Create Date: 2026-11-23 14:40:00

Placeholder in the fixed migration chain; the minderheidsstandpunten component fills in
upgrade() and downgrade() for its own tables only.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f5e4b5be0005'
down_revision = 'e4d3a4ad0004'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
