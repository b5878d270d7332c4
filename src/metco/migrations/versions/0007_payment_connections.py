"""payment provider connections

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('payment_provider_connections',
    sa.Column('provider', sa.String(length=30), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(), 'postgresql'), nullable=False),
    sa.Column('sealed_secrets', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_payment_provider_connections_store_id_stores'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_provider_connections')),
    sa.UniqueConstraint('store_id', 'provider', name=op.f('uq_payment_provider_connections_store_id_provider'))
    )
    with op.batch_alter_table('payment_provider_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_provider_connections_store_id'), ['store_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('payment_provider_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_provider_connections_store_id'))
    op.drop_table('payment_provider_connections')
