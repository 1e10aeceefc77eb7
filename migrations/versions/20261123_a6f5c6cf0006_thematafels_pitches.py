"""thematafels_pitches tables

Revision ID: a6f5c6cf0006
Revises: f5e4b5be0005
Create Date: 2026-11-23 14:40:00

The thematafels tables (events, themes, tables, sign-ups, notes, ideas,
arguments) and the pitches tables (round, criteria, jury, pitches, images,
support, status updates, scores).
"""
from alembic import op
import sqlalchemy as sa


revision = 'a6f5c6cf0006'
down_revision = 'f5e4b5be0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('pitches_ronde',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('support_threshold', sa.Integer(), nullable=False),
    sa.Column('jury_weight', sa.Integer(), nullable=False),
    sa.Column('public_weight', sa.Integer(), nullable=False),
    sa.Column('event_on', sa.Date(), nullable=True),
    sa.Column('event_place', sa.String(length=200), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('jury_weight >= 0 AND public_weight >= 0 AND jury_weight + public_weight > 0', name=op.f('ck_pitches_ronde_weights_valid')),
    sa.CheckConstraint('support_threshold >= 1', name=op.f('ck_pitches_ronde_threshold_positive')),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_pitches_ronde_traject_id_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_ronde')),
    sa.UniqueConstraint('traject_id', name=op.f('uq_pitches_ronde_traject_id'))
    )
    op.create_table('thematafels_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('burgertop', 'begrotingsdialoog', 'klimaattafel', 'wijkwandeling', 'anders', name='thematafels_event_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('aanmelden', 'ingedeeld', 'afgerond', name='thematafels_event_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=True),
    sa.Column('seated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_thematafels_event_traject_id_traject'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematafels_event'))
    )
    with op.batch_alter_table('thematafels_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thematafels_event_traject_id'), ['traject_id'], unique=False)

    op.create_table('pitches_criterium',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ronde_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_score >= 1', name=op.f('ck_pitches_criterium_max_score_positive')),
    sa.ForeignKeyConstraint(['ronde_id'], ['pitches_ronde.id'], name=op.f('fk_pitches_criterium_ronde_id_pitches_ronde'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_criterium')),
    sa.UniqueConstraint('ronde_id', 'position', name=op.f('uq_pitches_criterium_ronde_id_position'))
    )
    op.create_table('pitches_jurylid',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ronde_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('inwoner', 'raadslid', 'ambtenaar', name='pitches_jury_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.ForeignKeyConstraint(['ronde_id'], ['pitches_ronde.id'], name=op.f('fk_pitches_jurylid_ronde_id_pitches_ronde'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pitches_jurylid_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_jurylid')),
    sa.UniqueConstraint('ronde_id', 'user_id', name=op.f('uq_pitches_jurylid_ronde_id_user_id'))
    )
    with op.batch_alter_table('pitches_jurylid', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitches_jurylid_user_id'), ['user_id'], unique=False)

    op.create_table('thematafels_thema',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['thematafels_event.id'], name=op.f('fk_thematafels_thema_event_id_thematafels_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematafels_thema')),
    sa.UniqueConstraint('event_id', 'name', name=op.f('uq_thematafels_thema_event_id_name')),
    sa.UniqueConstraint('event_id', 'position', name=op.f('uq_thematafels_thema_event_id_position'))
    )
    op.create_table('thematafels_tafel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thema_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('voorzitter_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_thematafels_tafel_capacity_positive')),
    sa.ForeignKeyConstraint(['thema_id'], ['thematafels_thema.id'], name=op.f('fk_thematafels_tafel_thema_id_thematafels_thema'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voorzitter_id'], ['user_account.id'], name=op.f('fk_thematafels_tafel_voorzitter_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematafels_tafel')),
    sa.UniqueConstraint('thema_id', 'number', name=op.f('uq_thematafels_tafel_thema_id_number'))
    )
    with op.batch_alter_table('thematafels_tafel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thematafels_tafel_voorzitter_id'), ['voorzitter_id'], unique=False)

    op.create_table('thematafels_aanmelding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('first_thema_id', sa.Integer(), nullable=False),
    sa.Column('second_thema_id', sa.Integer(), nullable=True),
    sa.Column('geslacht', sa.String(length=20), nullable=True),
    sa.Column('leeftijd', sa.String(length=20), nullable=True),
    sa.Column('wijk', sa.String(length=120), nullable=True),
    sa.Column('walk_in', sa.Boolean(), nullable=False),
    sa.Column('tafel_id', sa.Integer(), nullable=True),
    sa.Column('choice', sa.Enum('first', 'second', 'other', name='thematafels_choice', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('second_thema_id IS NULL OR second_thema_id <> first_thema_id', name=op.f('ck_thematafels_aanmelding_two_different_choices')),
    sa.ForeignKeyConstraint(['event_id'], ['thematafels_event.id'], name=op.f('fk_thematafels_aanmelding_event_id_thematafels_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['first_thema_id'], ['thematafels_thema.id'], name=op.f('fk_thematafels_aanmelding_first_thema_id_thematafels_thema'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['second_thema_id'], ['thematafels_thema.id'], name=op.f('fk_thematafels_aanmelding_second_thema_id_thematafels_thema'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tafel_id'], ['thematafels_tafel.id'], name=op.f('fk_thematafels_aanmelding_tafel_id_thematafels_tafel'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_thematafels_aanmelding_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematafels_aanmelding')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_thematafels_aanmelding_event_id_user_id'))
    )
    with op.batch_alter_table('thematafels_aanmelding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thematafels_aanmelding_tafel_id'), ['tafel_id'], unique=False)

    op.create_table('thematafels_idee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tafel_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.Column('plenary_votes', sa.Integer(), nullable=False),
    sa.Column('dissent', sa.Text(), nullable=False),
    sa.Column('stelling_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('plenary_votes >= 0', name=op.f('ck_thematafels_idee_plenary_votes_not_negative')),
    sa.CheckConstraint('votes >= 0', name=op.f('ck_thematafels_idee_votes_not_negative')),
    sa.ForeignKeyConstraint(['tafel_id'], ['thematafels_tafel.id'], name=op.f('fk_thematafels_idee_tafel_id_thematafels_tafel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematafels_idee'))
    )
    with op.batch_alter_table('thematafels_idee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thematafels_idee_tafel_id'), ['tafel_id'], unique=False)

    op.create_table('thematafels_notitie',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tafel_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tafel_id'], ['thematafels_tafel.id'], name=op.f('fk_thematafels_notitie_tafel_id_thematafels_tafel'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematafels_notitie'))
    )
    with op.batch_alter_table('thematafels_notitie', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thematafels_notitie_tafel_id'), ['tafel_id'], unique=False)

    op.create_table('pitches_pitch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('traject_id', sa.Integer(), nullable=False),
    sa.Column('initiator_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('plan', sa.Text(), nullable=False),
    sa.Column('cost_cents', sa.BigInteger(), nullable=False),
    sa.Column('wijk_id', sa.Integer(), nullable=True),
    sa.Column('ask', sa.Text(), nullable=False),
    sa.Column('dragers', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('ontvangen', 'in_behandeling', 'haalbaarheidstoets', 'geselecteerd', 'afgewezen', name='pitches_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('on_agenda_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('idee_id', sa.Integer(), nullable=True),
    sa.Column('wijkbudget_project_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cost_cents >= 0', name=op.f('ck_pitches_pitch_cost_not_negative')),
    sa.ForeignKeyConstraint(['idee_id'], ['thematafels_idee.id'], name=op.f('fk_pitches_pitch_idee_id_thematafels_idee'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['initiator_id'], ['user_account.id'], name=op.f('fk_pitches_pitch_initiator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['traject_id'], ['traject.id'], name=op.f('fk_pitches_pitch_traject_id_traject'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['wijk_id'], ['wijk.id'], name=op.f('fk_pitches_pitch_wijk_id_wijk'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_pitch'))
    )
    with op.batch_alter_table('pitches_pitch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitches_pitch_initiator_id'), ['initiator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitches_pitch_traject_id'), ['traject_id'], unique=False)

    op.create_table('thematafels_argument',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('idee_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.Enum('voor', 'tegen', name='thematafels_side', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['idee_id'], ['thematafels_idee.id'], name=op.f('fk_thematafels_argument_idee_id_thematafels_idee'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_thematafels_argument'))
    )
    with op.batch_alter_table('thematafels_argument', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_thematafels_argument_idee_id'), ['idee_id'], unique=False)

    op.create_table('pitches_afbeelding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=40), nullable=False),
    sa.Column('alt', sa.String(length=300), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches_pitch.id'], name=op.f('fk_pitches_afbeelding_pitch_id_pitches_pitch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_afbeelding'))
    )
    with op.batch_alter_table('pitches_afbeelding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitches_afbeelding_pitch_id'), ['pitch_id'], unique=False)

    op.create_table('pitches_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('jurylid_id', sa.Integer(), nullable=False),
    sa.Column('criterium_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.CheckConstraint('score >= 0', name=op.f('ck_pitches_score_score_not_negative')),
    sa.ForeignKeyConstraint(['criterium_id'], ['pitches_criterium.id'], name=op.f('fk_pitches_score_criterium_id_pitches_criterium'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['jurylid_id'], ['pitches_jurylid.id'], name=op.f('fk_pitches_score_jurylid_id_pitches_jurylid'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches_pitch.id'], name=op.f('fk_pitches_score_pitch_id_pitches_pitch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_score')),
    sa.UniqueConstraint('pitch_id', 'jurylid_id', 'criterium_id', name=op.f('uq_pitches_score_pitch_id_jurylid_id_criterium_id'))
    )
    with op.batch_alter_table('pitches_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitches_score_criterium_id'), ['criterium_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pitches_score_jurylid_id'), ['jurylid_id'], unique=False)

    op.create_table('pitches_steun',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches_pitch.id'], name=op.f('fk_pitches_steun_pitch_id_pitches_pitch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pitches_steun_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_steun')),
    sa.UniqueConstraint('pitch_id', 'user_id', name=op.f('uq_pitches_steun_pitch_id_user_id'))
    )
    with op.batch_alter_table('pitches_steun', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitches_steun_user_id'), ['user_id'], unique=False)

    op.create_table('pitches_update',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pitch_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('ontvangen', 'in_behandeling', 'haalbaarheidstoets', 'geselecteerd', 'afgewezen', name='pitches_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pitch_id'], ['pitches_pitch.id'], name=op.f('fk_pitches_update_pitch_id_pitches_pitch'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_update'))
    )
    with op.batch_alter_table('pitches_update', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pitches_update_pitch_id'), ['pitch_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pitches_update', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitches_update_pitch_id'))

    op.drop_table('pitches_update')
    with op.batch_alter_table('pitches_steun', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitches_steun_user_id'))

    op.drop_table('pitches_steun')
    with op.batch_alter_table('pitches_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitches_score_jurylid_id'))
        batch_op.drop_index(batch_op.f('ix_pitches_score_criterium_id'))

    op.drop_table('pitches_score')
    with op.batch_alter_table('pitches_afbeelding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitches_afbeelding_pitch_id'))

    op.drop_table('pitches_afbeelding')
    with op.batch_alter_table('thematafels_argument', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thematafels_argument_idee_id'))

    op.drop_table('thematafels_argument')
    with op.batch_alter_table('pitches_pitch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitches_pitch_traject_id'))
        batch_op.drop_index(batch_op.f('ix_pitches_pitch_initiator_id'))

    op.drop_table('pitches_pitch')
    with op.batch_alter_table('thematafels_notitie', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thematafels_notitie_tafel_id'))

    op.drop_table('thematafels_notitie')
    with op.batch_alter_table('thematafels_idee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thematafels_idee_tafel_id'))

    op.drop_table('thematafels_idee')
    with op.batch_alter_table('thematafels_aanmelding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thematafels_aanmelding_tafel_id'))

    op.drop_table('thematafels_aanmelding')
    with op.batch_alter_table('thematafels_tafel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thematafels_tafel_voorzitter_id'))

    op.drop_table('thematafels_tafel')
    op.drop_table('thematafels_thema')
    with op.batch_alter_table('pitches_jurylid', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pitches_jurylid_user_id'))

    op.drop_table('pitches_jurylid')
    op.drop_table('pitches_criterium')
    with op.batch_alter_table('thematafels_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_thematafels_event_traject_id'))

    op.drop_table('thematafels_event')
    op.drop_table('pitches_ronde')
