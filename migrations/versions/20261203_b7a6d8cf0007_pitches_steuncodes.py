"""pitches steuncodes: public support with a personal code from a letter

Revision ID: b7a6d8cf0007
Revises: a6f5c6cf0006
Create Date: 2026-12-03 07:30:00

A pitch round gets a salt and a table of steuncodes (salted hashes only).
A support row names either an account or a steuncode, never both, never
neither (CHECK), and a code supports a pitch once (UNIQUE), as an account does.
SQLite cannot alter a column or add constraints in place: batch mode copies
the table.
"""
from alembic import op
import sqlalchemy as sa


revision = 'b7a6d8cf0007'
down_revision = 'a6f5c6cf0006'
branch_labels = None
depends_on = None

ONE_SUPPORTER = ("(user_id IS NULL AND steuncode_id IS NOT NULL) "
                 "OR (user_id IS NOT NULL AND steuncode_id IS NULL)")


def upgrade():
    with op.batch_alter_table('pitches_ronde', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_salt', sa.String(length=32), nullable=True))

    op.create_table('pitches_steuncode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ronde_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['ronde_id'], ['pitches_ronde.id'], name=op.f('fk_pitches_steuncode_ronde_id_pitches_ronde'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pitches_steuncode')),
    sa.UniqueConstraint('ronde_id', 'code_hash', name=op.f('uq_pitches_steuncode_ronde_id_code_hash'))
    )
    with op.batch_alter_table('pitches_steun', schema=None) as batch_op:
        batch_op.add_column(sa.Column('steuncode_id', sa.Integer(), nullable=True))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_pitches_steun_steuncode_id'), ['steuncode_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_pitches_steun_steuncode_id_pitches_steuncode'), 'pitches_steuncode',
                                    ['steuncode_id'], ['id'], ondelete='CASCADE')
        batch_op.create_unique_constraint(batch_op.f('uq_pitches_steun_pitch_id_steuncode_id'), ['pitch_id', 'steuncode_id'])
        batch_op.create_check_constraint(batch_op.f('ck_pitches_steun_one_supporter'), ONE_SUPPORTER)


def downgrade():
    # Support given with a code has no account to fall back on: it goes with the codes.
    op.execute("DELETE FROM pitches_steun WHERE user_id IS NULL")
    with op.batch_alter_table('pitches_steun', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_pitches_steun_one_supporter'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_pitches_steun_pitch_id_steuncode_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_pitches_steun_steuncode_id_pitches_steuncode'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pitches_steun_steuncode_id'))
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('steuncode_id')

    op.drop_table('pitches_steuncode')
    with op.batch_alter_table('pitches_ronde', schema=None) as batch_op:
        batch_op.drop_column('code_salt')
