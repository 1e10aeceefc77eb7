"""wijkbudget tables

Revision ID: c2b1e28b0002
Revises: b1a0d17a0001
Create Date: 2026-11-23 14:40:00

The wijkbudget: its projects, the stemcodes (hashes only), the secret ballots
(no reference to a code or voter) and the receipts.
"""
from alembic import op
import sqlalchemy as sa


revision = 'c2b1e28b0002'
down_revision = 'b1a0d17a0001'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('wijkbudget',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('budget_cents', sa.BigInteger(), nullable=False),
    sa.Column('voting_starts_on', sa.Date(), nullable=False),
    sa.Column('voting_ends_on', sa.Date(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('ballot_type', sa.Enum('approval', 'knapsack', 'cumulative', 'ranking', name='wijkbudget_ballot_type', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('min_choices', sa.Integer(), nullable=True),
    sa.Column('max_choices', sa.Integer(), nullable=True),
    sa.Column('min_share_percent', sa.Integer(), nullable=True),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('rule', sa.String(length=40), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('ask_statistics', sa.Boolean(), nullable=False),
    sa.Column('phase', sa.Enum('voorbereiding', 'stemmen', 'gesloten', 'gepubliceerd', name='wijkbudget_phase', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('code_salt', sa.String(length=64), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=True),
    sa.Column('counted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('budget_cents > 0', name=op.f('ck_wijkbudget_budget_positive')),
    sa.CheckConstraint('min_age >= 0', name=op.f('ck_wijkbudget_min_age_not_negative')),
    sa.CheckConstraint('voting_ends_on >= voting_starts_on', name=op.f('ck_wijkbudget_period_ordered')),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_wijkbudget_traject_id_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijkbudget'))
    )
    with op.batch_alter_table('wijkbudget', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijkbudget_traject_id'), ['traject_id'], unique=False)
    op.create_table('wijkbudget_ballot',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('wijkbudget_id', sa.Integer(), nullable=False),
    sa.Column('cast_on', sa.Date(), nullable=False),
    sa.Column('paper', sa.Boolean(), nullable=False),
    sa.Column('geslacht', sa.String(length=20), nullable=True),
    sa.Column('leeftijd', sa.String(length=20), nullable=True),
    sa.ForeignKeyConstraint(['wijkbudget_id'], ['wijkbudget.id'], name=op.f('fk_wijkbudget_ballot_wijkbudget_id_wijkbudget'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijkbudget_ballot')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('wijkbudget_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijkbudget_ballot_wijkbudget_id'), ['wijkbudget_id'], unique=False)
    op.create_table('wijkbudget_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wijkbudget_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.Enum('unused', 'used', 'revoked', name='wijkbudget_code_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('used_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['wijkbudget_id'], ['wijkbudget.id'], name=op.f('fk_wijkbudget_code_wijkbudget_id_wijkbudget'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijkbudget_code')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_wijkbudget_code_code_hash'))
    )
    with op.batch_alter_table('wijkbudget_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijkbudget_code_wijkbudget_id'), ['wijkbudget_id'], unique=False)
    op.create_table('wijkbudget_project',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('wijkbudget_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('cost_cents', sa.BigInteger(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), nullable=True),
    sa.Column('image', sa.String(length=80), nullable=True),
    sa.CheckConstraint('cost_cents >= 0', name=op.f('ck_wijkbudget_project_cost_not_negative')),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_wijkbudget_project_wijk_id_wijk'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['wijkbudget_id'], ['wijkbudget.id'], name=op.f('fk_wijkbudget_project_wijkbudget_id_wijkbudget'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijkbudget_project'))
    )
    with op.batch_alter_table('wijkbudget_project', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijkbudget_project_wijkbudget_id'), ['wijkbudget_id'], unique=False)
    op.create_table('wijkbudget_receipt',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('wijkbudget_id', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['wijkbudget_id'], ['wijkbudget.id'], name=op.f('fk_wijkbudget_receipt_wijkbudget_id_wijkbudget'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wijkbudget_receipt')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('wijkbudget_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijkbudget_receipt_wijkbudget_id'), ['wijkbudget_id'], unique=False)
    op.create_table('wijkbudget_wijk',
    sa.Column('wijkbudget_id', sa.Integer(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_wijkbudget_wijk_wijk_id_wijk'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wijkbudget_id'], ['wijkbudget.id'], name=op.f('fk_wijkbudget_wijk_wijkbudget_id_wijkbudget'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('wijkbudget_id', 'wijk_id', name=op.f('pk_wijkbudget_wijk'))
    )
    op.create_table('wijkbudget_choice',
    sa.Column('ballot_id', sa.String(length=32), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_wijkbudget_choice_value_not_negative')),
    sa.ForeignKeyConstraint(['ballot_id'], ['wijkbudget_ballot.id'], name=op.f('fk_wijkbudget_choice_ballot_id_wijkbudget_ballot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['wijkbudget_project.id'], name=op.f('fk_wijkbudget_choice_project_id_wijkbudget_project'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ballot_id', 'project_id', name=op.f('pk_wijkbudget_choice')),
    sqlite_with_rowid=False
    )
    with op.batch_alter_table('wijkbudget_choice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wijkbudget_choice_project_id'), ['project_id'], unique=False)


def downgrade():
    op.drop_table('wijkbudget_choice')
    op.drop_table('wijkbudget_wijk')
    op.drop_table('wijkbudget_receipt')
    op.drop_table('wijkbudget_project')
    op.drop_table('wijkbudget_code')
    op.drop_table('wijkbudget_ballot')
    op.drop_table('wijkbudget')
