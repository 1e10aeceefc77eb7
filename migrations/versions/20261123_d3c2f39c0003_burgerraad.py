"""burgerraad tables

Revision ID: d3c2f39c0003
Revises: c2b1e28b0002
Create Date: 2026-11-23 14:40:00

The burgerraad component's tables and the generic ``job`` table of
``deliberatie/jobs.py``.
"""
from alembic import op
import sqlalchemy as sa

from deliberatie.models.types import UTCDateTime


revision = 'd3c2f39c0003'
down_revision = 'c2b1e28b0002'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True,
                   length=max(len(v) for v in values))


def upgrade():
    op.create_table(
        'job',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=80), nullable=False),
        sa.Column('subject', sa.String(length=80), nullable=False),
        sa.Column('status', _enum('job_status', 'queued', 'running', 'done', 'failed'), nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('params_json', sa.Text(), nullable=False),
        sa.Column('result_json', sa.Text(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.Column('started_at', UTCDateTime(), nullable=True),
        sa.Column('finished_at', UTCDateTime(), nullable=True),
        sa.CheckConstraint('progress >= 0 AND progress <= 100', name=op.f('ck_job_progress_range')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job')),
    )
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_subject'), ['subject'], unique=False)

    op.create_table(
        'burgerraad',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('traject_id', sa.Integer(), nullable=False),
        sa.Column('status', _enum('burgerraad_status', 'opzet', 'aanmelden', 'vastgelegd', 'geloot', 'gewist'),
                  nullable=False),
        sa.Column('panel_size', sa.Integer(), nullable=False),
        sa.Column('algorithm', sa.String(length=20), nullable=False),
        sa.Column('one_per_household', sa.Boolean(), nullable=False),
        sa.Column('codes_per_letter', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('term_ends_on', sa.Date(), nullable=False),
        sa.Column('lottery_size', sa.Integer(), nullable=False),
        sa.Column('letters_seed', sa.BigInteger(), nullable=True),
        sa.Column('letters_drawn_at', UTCDateTime(), nullable=True),
        sa.Column('inputs_json', sa.Text(), nullable=True),
        sa.Column('commitment', sa.String(length=64), nullable=True),
        sa.Column('committed_at', UTCDateTime(), nullable=True),
        sa.Column('draw_seed', sa.BigInteger(), nullable=True),
        sa.Column('record_json', sa.Text(), nullable=True),
        sa.Column('published_at', UTCDateTime(), nullable=True),
        sa.Column('stats_json', sa.Text(), nullable=True),
        sa.Column('purged_at', UTCDateTime(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.CheckConstraint('codes_per_letter BETWEEN 1 AND 4', name=op.f('ck_burgerraad_codes_per_letter_range')),
        sa.CheckConstraint('panel_size >= 1', name=op.f('ck_burgerraad_panel_size_positive')),
        sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_burgerraad_traject_id_traject'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_burgerraad')),
        sa.UniqueConstraint('traject_id', name=op.f('uq_burgerraad_traject_id')),
    )
    op.create_table(
        'burgerraad_vraag',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('burgerraad_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['burgerraad_id'], ['burgerraad.id'],
                                name=op.f('fk_burgerraad_vraag_burgerraad_id_burgerraad'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_burgerraad_vraag')),
        sa.UniqueConstraint('burgerraad_id', 'name', name=op.f('uq_burgerraad_vraag_burgerraad_id_name')),
        sa.UniqueConstraint('burgerraad_id', 'position', name=op.f('uq_burgerraad_vraag_burgerraad_id_position')),
    )
    op.create_table(
        'burgerraad_quotum',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('vraag_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('value', sa.String(length=60), nullable=False),
        sa.Column('min_count', sa.Integer(), nullable=True),
        sa.Column('max_count', sa.Integer(), nullable=True),
        sa.CheckConstraint('min_count IS NULL OR max_count IS NULL OR max_count >= min_count',
                           name=op.f('ck_burgerraad_quotum_max_not_below_min')),
        sa.CheckConstraint('min_count IS NULL OR min_count >= 0', name=op.f('ck_burgerraad_quotum_min_not_negative')),
        sa.ForeignKeyConstraint(['vraag_id'], ['burgerraad_vraag.id'],
                                name=op.f('fk_burgerraad_quotum_vraag_id_burgerraad_vraag'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_burgerraad_quotum')),
        sa.UniqueConstraint('vraag_id', 'position', name=op.f('uq_burgerraad_quotum_vraag_id_position')),
        sa.UniqueConstraint('vraag_id', 'value', name=op.f('uq_burgerraad_quotum_vraag_id_value')),
    )
    op.create_table(
        'burgerraad_uitnodiging',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('burgerraad_id', sa.Integer(), nullable=False),
        sa.Column('address_id', sa.String(length=64), nullable=False),
        sa.Column('slot', sa.Integer(), nullable=False),
        sa.Column('wijk_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(['burgerraad_id'], ['burgerraad.id'],
                                name=op.f('fk_burgerraad_uitnodiging_burgerraad_id_burgerraad'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_burgerraad_uitnodiging_wijk_id_wijk'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_burgerraad_uitnodiging')),
        sa.UniqueConstraint('burgerraad_id', 'address_id', 'slot',
                            name=op.f('uq_burgerraad_uitnodiging_burgerraad_id_address_id_slot')),
        sa.UniqueConstraint('code', name=op.f('uq_burgerraad_uitnodiging_code')),
    )
    op.create_table(
        'burgerraad_aanmelding',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('burgerraad_id', sa.Integer(), nullable=False),
        sa.Column('uitnodiging_id', sa.Integer(), nullable=False),
        sa.Column('anon_id', sa.String(length=12), nullable=False),
        sa.Column('answers_json', sa.Text(), nullable=False),
        sa.Column('name', sa.String(length=120), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=40), nullable=False),
        sa.Column('available', sa.Boolean(), nullable=False),
        sa.Column('consent_at', UTCDateTime(), nullable=False),
        sa.Column('status', _enum('deelnemer_status', 'pool', 'panel', 'reserve', 'afgehaakt'), nullable=False),
        sa.Column('reserve_rank', sa.Integer(), nullable=True),
        sa.Column('created_at', UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['burgerraad_id'], ['burgerraad.id'],
                                name=op.f('fk_burgerraad_aanmelding_burgerraad_id_burgerraad'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uitnodiging_id'], ['burgerraad_uitnodiging.id'],
                                name=op.f('fk_burgerraad_aanmelding_uitnodiging_id_burgerraad_uitnodiging'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_burgerraad_aanmelding')),
        sa.UniqueConstraint('burgerraad_id', 'anon_id', name=op.f('uq_burgerraad_aanmelding_burgerraad_id_anon_id')),
        sa.UniqueConstraint('uitnodiging_id', name=op.f('uq_burgerraad_aanmelding_uitnodiging_id')),
    )


def downgrade():
    op.drop_table('burgerraad_aanmelding')
    op.drop_table('burgerraad_uitnodiging')
    op.drop_table('burgerraad_quotum')
    op.drop_table('burgerraad_vraag')
    op.drop_table('burgerraad')
    with op.batch_alter_table('job', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_subject'))
    op.drop_table('job')
