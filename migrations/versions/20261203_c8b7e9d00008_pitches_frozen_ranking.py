"""pitches: the published ranking stored as published

Revision ID: c8b7e9d00008
Revises: b7a6d8cf0007
Create Date: 2026-12-03 14:10:00

A published ranking was recomputed from live rows, so supporters or inwoner jury
members deleting their accounts (their rows go with them) changed it afterwards.
The round now keeps the ranking it published (JSON); rounds published before keep
being recomputed.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c8b7e9d00008'
down_revision = 'b7a6d8cf0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('pitches_ronde', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ranking_json', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('pitches_ronde', schema=None) as batch_op:
        batch_op.drop_column('ranking_json')
