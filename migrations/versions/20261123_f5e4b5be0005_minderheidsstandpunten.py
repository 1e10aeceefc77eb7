"""minderheidsstandpunten tables

Revision ID: f5e4b5be0005
Revises: e4d3a4ad0004
Create Date: 2026-11-23 14:40:00

Stellingen, participants, votes, opinion runs, deep democracy sessions,
minority views and their conditions.
"""
from alembic import op
import sqlalchemy as sa


revision = 'f5e4b5be0005'
down_revision = 'e4d3a4ad0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minderheidsstandpunten_analyse',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('algorithm', sa.Text(), nullable=False),
    sa.Column('parameters', sa.Text(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('participants', sa.Integer(), nullable=False),
    sa.Column('groups', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_minderheidsstandpunten_analyse_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_minderheidsstandpunten_analyse_traject_id_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_analyse'))
    )
    with op.batch_alter_table('minderheidsstandpunten_analyse', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_analyse_traject_id'), ['traject_id'], unique=False)

    op.create_table('minderheidsstandpunten_ronde',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('deelname', sa.Enum('account', 'stemcode', 'pseudoniem', name='mhs_deelname', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('voorstellen_toegestaan', sa.Boolean(), nullable=False),
    sa.Column('verslag_openbaar', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_minderheidsstandpunten_ronde_traject_id_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_ronde')),
    sa.UniqueConstraint('traject_id', name=op.f('uq_minderheidsstandpunten_ronde_traject_id'))
    )
    op.create_table('minderheidsstandpunten_sessie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('soort', sa.Enum('bijeenkomst', 'thematafel', name='mhs_sessie_soort', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('voorstel', sa.Text(), nullable=False),
    sa.Column('perspectieven', sa.Text(), nullable=False),
    sa.Column('voor', sa.Integer(), nullable=False),
    sa.Column('tegen', sa.Integer(), nullable=False),
    sa.Column('onthouding', sa.Integer(), nullable=False),
    sa.Column('besluit', sa.Text(), nullable=False),
    sa.CheckConstraint('voor >= 0 AND tegen >= 0 AND onthouding >= 0', name=op.f('ck_minderheidsstandpunten_sessie_counts_not_negative')),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_minderheidsstandpunten_sessie_traject_id_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_sessie'))
    )
    with op.batch_alter_table('minderheidsstandpunten_sessie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_sessie_traject_id'), ['traject_id'], unique=False)

    op.create_table('minderheidsstandpunten_stemcode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_minderheidsstandpunten_stemcode_traject_id_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_stemcode')),
    sa.UniqueConstraint('code_hash', name=op.f('uq_minderheidsstandpunten_stemcode_code_hash'))
    )
    with op.batch_alter_table('minderheidsstandpunten_stemcode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_stemcode_traject_id'), ['traject_id'], unique=False)

    op.create_table('minderheidsstandpunten_deelnemer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('stemcode_id', sa.Integer(), nullable=True),
    sa.Column('leeftijd', sa.String(length=20), nullable=True),
    sa.Column('geslacht', sa.String(length=20), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['stemcode_id'], ['minderheidsstandpunten_stemcode.id'], name=op.f('fk_minderheidsstandpunten_deelnemer_stemcode_id_minderheidsstandpunten_stemcode'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_minderheidsstandpunten_deelnemer_traject_id_traject'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_minderheidsstandpunten_deelnemer_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_deelnemer')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_minderheidsstandpunten_deelnemer_pseudonym')),
    sa.UniqueConstraint('stemcode_id', name=op.f('uq_minderheidsstandpunten_deelnemer_stemcode_id')),
    sa.UniqueConstraint('traject_id', 'user_id', name=op.f('uq_minderheidsstandpunten_deelnemer_traject_id_user_id'))
    )
    with op.batch_alter_table('minderheidsstandpunten_deelnemer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_deelnemer_traject_id'), ['traject_id'], unique=False)

    op.create_table('minderheidsstandpunten_standpunt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sessie_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('redenen', sa.Text(), nullable=False),
    sa.Column('herkend_door', sa.Integer(), nullable=False),
    sa.Column('analyse_id', sa.Integer(), nullable=True),
    sa.Column('groep', sa.Integer(), nullable=True),
    sa.CheckConstraint('herkend_door >= 0', name=op.f('ck_minderheidsstandpunten_standpunt_herkend_not_negative')),
    sa.ForeignKeyConstraint(['analyse_id'], ['minderheidsstandpunten_analyse.id'], name=op.f('fk_minderheidsstandpunten_standpunt_analyse_id_minderheidsstandpunten_analyse'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sessie_id'], ['minderheidsstandpunten_sessie.id'], name=op.f('fk_minderheidsstandpunten_standpunt_sessie_id_minderheidsstandpunten_sessie'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_standpunt'))
    )
    with op.batch_alter_table('minderheidsstandpunten_standpunt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_standpunt_sessie_id'), ['sessie_id'], unique=False)

    op.create_table('minderheidsstandpunten_stelling',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('status', sa.Enum('voorgesteld', 'zichtbaar', 'afgewezen', name='mhs_stelling_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('voorgesteld_door_id', sa.Integer(), nullable=True),
    sa.Column('reden', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_minderheidsstandpunten_stelling_traject_id_traject'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voorgesteld_door_id'], ['minderheidsstandpunten_deelnemer.id'], name=op.f('fk_minderheidsstandpunten_stelling_voorgesteld_door_id_minderheidsstandpunten_deelnemer'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_stelling'))
    )
    with op.batch_alter_table('minderheidsstandpunten_stelling', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_stelling_traject_id'), ['traject_id'], unique=False)

    op.create_table('minderheidsstandpunten_voorwaarde',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standpunt_id', sa.Integer(), nullable=False),
    sa.Column('soort', sa.Enum('timing', 'bewijs', 'mitigatie', 'compensatie', 'herstemming', name='mhs_voorwaarde_soort', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('afhandeling', sa.Enum('open', 'overgenomen', 'deels', 'niet', name='mhs_afhandeling', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('toelichting', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['standpunt_id'], ['minderheidsstandpunten_standpunt.id'], name=op.f('fk_minderheidsstandpunten_voorwaarde_standpunt_id_minderheidsstandpunten_standpunt'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_voorwaarde'))
    )
    with op.batch_alter_table('minderheidsstandpunten_voorwaarde', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_voorwaarde_standpunt_id'), ['standpunt_id'], unique=False)

    op.create_table('minderheidsstandpunten_standpunt_stelling',
    sa.Column('standpunt_id', sa.Integer(), nullable=False),
    sa.Column('stelling_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['standpunt_id'], ['minderheidsstandpunten_standpunt.id'], name=op.f('fk_minderheidsstandpunten_standpunt_stelling_standpunt_id_minderheidsstandpunten_standpunt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stelling_id'], ['minderheidsstandpunten_stelling.id'], name=op.f('fk_minderheidsstandpunten_standpunt_stelling_stelling_id_minderheidsstandpunten_stelling'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('standpunt_id', 'stelling_id', name=op.f('pk_minderheidsstandpunten_standpunt_stelling'))
    )
    op.create_table('minderheidsstandpunten_stem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stelling_id', sa.Integer(), nullable=False),
    sa.Column('deelnemer_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.SmallInteger(), nullable=False),
    sa.Column('voted_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('value IN (-1, 0, 1)', name=op.f('ck_minderheidsstandpunten_stem_value_is_vote')),
    sa.ForeignKeyConstraint(['deelnemer_id'], ['minderheidsstandpunten_deelnemer.id'], name=op.f('fk_minderheidsstandpunten_stem_deelnemer_id_minderheidsstandpunten_deelnemer'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stelling_id'], ['minderheidsstandpunten_stelling.id'], name=op.f('fk_minderheidsstandpunten_stem_stelling_id_minderheidsstandpunten_stelling'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minderheidsstandpunten_stem')),
    sa.UniqueConstraint('stelling_id', 'deelnemer_id', name=op.f('uq_minderheidsstandpunten_stem_stelling_id_deelnemer_id'))
    )
    with op.batch_alter_table('minderheidsstandpunten_stem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_stem_deelnemer_id'), ['deelnemer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_minderheidsstandpunten_stem_stelling_id'), ['stelling_id'], unique=False)


def downgrade():
    with op.batch_alter_table('minderheidsstandpunten_stem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_stem_stelling_id'))
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_stem_deelnemer_id'))

    op.drop_table('minderheidsstandpunten_stem')
    op.drop_table('minderheidsstandpunten_standpunt_stelling')
    with op.batch_alter_table('minderheidsstandpunten_voorwaarde', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_voorwaarde_standpunt_id'))

    op.drop_table('minderheidsstandpunten_voorwaarde')
    with op.batch_alter_table('minderheidsstandpunten_stelling', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_stelling_traject_id'))

    op.drop_table('minderheidsstandpunten_stelling')
    with op.batch_alter_table('minderheidsstandpunten_standpunt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_standpunt_sessie_id'))

    op.drop_table('minderheidsstandpunten_standpunt')
    with op.batch_alter_table('minderheidsstandpunten_deelnemer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_deelnemer_traject_id'))

    op.drop_table('minderheidsstandpunten_deelnemer')
    with op.batch_alter_table('minderheidsstandpunten_stemcode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_stemcode_traject_id'))

    op.drop_table('minderheidsstandpunten_stemcode')
    with op.batch_alter_table('minderheidsstandpunten_sessie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_sessie_traject_id'))

    op.drop_table('minderheidsstandpunten_sessie')
    op.drop_table('minderheidsstandpunten_ronde')
    with op.batch_alter_table('minderheidsstandpunten_analyse', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minderheidsstandpunten_analyse_traject_id'))

    op.drop_table('minderheidsstandpunten_analyse')
