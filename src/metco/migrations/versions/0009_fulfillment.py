"""fulfillment

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 22:37:20.326928
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('carrier_connections',
    sa.Column('carrier', sa.String(length=30), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('sealed_secrets', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_carrier_connections_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carrier_connections')),
    sa.UniqueConstraint('store_id', 'carrier', name=op.f('uq_carrier_connections_store_id_carrier'))
    )
    with op.batch_alter_table('carrier_connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carrier_connections_store_id'), ['store_id'], unique=False)

    op.create_table('carrier_webhook_events',
    sa.Column('carrier', sa.String(length=30), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_carrier_webhook_events_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_carrier_webhook_events')),
    sa.UniqueConstraint('carrier', 'event_id', name=op.f('uq_carrier_webhook_events_carrier_event_id'))
    )
    with op.batch_alter_table('carrier_webhook_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_carrier_webhook_events_store_id'), ['store_id'], unique=False)

    op.create_table('fulfillments',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('location_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('carrier', sa.String(length=50), nullable=False),
    sa.Column('service', sa.String(length=100), nullable=True),
    sa.Column('tracking_number', sa.String(length=100), nullable=True),
    sa.Column('tracking_url', sa.String(length=1000), nullable=True),
    sa.Column('label_url', sa.String(length=1000), nullable=True),
    sa.Column('carrier_reference', sa.String(length=255), nullable=True),
    sa.Column('integration', sa.String(length=30), nullable=False),
    sa.Column('notify_customer', sa.Boolean(), nullable=False),
    sa.Column('shipped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_fulfillments_location_id_locations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_fulfillments_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_fulfillments_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillments'))
    )
    with op.batch_alter_table('fulfillments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fulfillments_carrier_reference'), ['carrier_reference'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillments_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillments_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillments_store_id'), ['store_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillments_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('fulfillment_lines',
    sa.Column('fulfillment_id', sa.Uuid(), nullable=False),
    sa.Column('order_line_id', sa.Uuid(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['fulfillment_id'], ['fulfillments.id'], name=op.f('fk_fulfillment_lines_fulfillment_id_fulfillments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_fulfillment_lines_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_fulfillment_lines_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fulfillment_lines'))
    )
    with op.batch_alter_table('fulfillment_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fulfillment_lines_fulfillment_id'), ['fulfillment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillment_lines_order_line_id'), ['order_line_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fulfillment_lines_store_id'), ['store_id'], unique=False)

    op.create_table('tracking_events',
    sa.Column('fulfillment_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=50), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['fulfillment_id'], ['fulfillments.id'], name=op.f('fk_tracking_events_fulfillment_id_fulfillments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_tracking_events_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tracking_events'))
    )
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tracking_events_fulfillment_id'), ['fulfillment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tracking_events_store_id'), ['store_id'], unique=False)

    op.create_table('returns',
    sa.Column('order_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('lines', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('staff_note', sa.Text(), nullable=True),
    sa.Column('label_url', sa.String(length=1000), nullable=True),
    sa.Column('tracking_number', sa.String(length=100), nullable=True),
    sa.Column('carrier', sa.String(length=50), nullable=True),
    sa.Column('location_id', sa.Uuid(), nullable=True),
    sa.Column('refund_id', sa.Uuid(), nullable=True),
    sa.Column('refund_amount', sa.BigInteger(), nullable=True),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('store_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['location_id'], ['locations.id'], name=op.f('fk_returns_location_id_locations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_returns_order_id_orders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_returns_refund_id_refunds'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_returns_store_id_stores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_returns'))
    )
    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_returns_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_returns_store_id'), ['store_id'], unique=False)

    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accent_color', sa.String(length=7), nullable=False, server_default='#B4530F'))
        batch_op.add_column(sa.Column('return_window_days', sa.Integer(), nullable=False, server_default='30'))



def downgrade() -> None:
    with op.batch_alter_table('stores', schema=None) as batch_op:
        batch_op.drop_column('return_window_days')
        batch_op.drop_column('accent_color')

    with op.batch_alter_table('returns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_returns_store_id'))
        batch_op.drop_index(batch_op.f('ix_returns_status'))
        batch_op.drop_index(batch_op.f('ix_returns_order_id'))

    op.drop_table('returns')
    with op.batch_alter_table('tracking_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tracking_events_store_id'))
        batch_op.drop_index(batch_op.f('ix_tracking_events_fulfillment_id'))

    op.drop_table('tracking_events')
    with op.batch_alter_table('fulfillment_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fulfillment_lines_store_id'))
        batch_op.drop_index(batch_op.f('ix_fulfillment_lines_order_line_id'))
        batch_op.drop_index(batch_op.f('ix_fulfillment_lines_fulfillment_id'))

    op.drop_table('fulfillment_lines')
    with op.batch_alter_table('fulfillments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fulfillments_tracking_number'))
        batch_op.drop_index(batch_op.f('ix_fulfillments_store_id'))
        batch_op.drop_index(batch_op.f('ix_fulfillments_status'))
        batch_op.drop_index(batch_op.f('ix_fulfillments_order_id'))
        batch_op.drop_index(batch_op.f('ix_fulfillments_carrier_reference'))

    op.drop_table('fulfillments')
    with op.batch_alter_table('carrier_webhook_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carrier_webhook_events_store_id'))

    op.drop_table('carrier_webhook_events')
    with op.batch_alter_table('carrier_connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_carrier_connections_store_id'))

    op.drop_table('carrier_connections')
