import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from metco.kit.clock import utcnow
from metco.kit.db import Base, IdMixin, StoreScoped, TimestampMixin


class Conversation(IdMixin, StoreScoped, TimestampMixin, Base):
    """A thread between one customer and the store. A guest holds it by a secret token (stored hashed)."""

    __tablename__ = "conversations"
    __table_args__ = (Index("ix_conversations_store_status", "store_id", "status"),)

    customer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | pending | closed
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)


class Message(IdMixin, StoreScoped, Base):
    """One message; ids are uuid7, so they sort by time and serve as the "seen up to" marker."""

    __tablename__ = "conversation_messages"
    __table_args__ = (Index("ix_conversation_messages_conversation_id_id", "conversation_id", "id"),)

    conversation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    author: Mapped[str] = mapped_column(String(10))  # customer | staff
    author_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_name: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadMark(IdMixin, StoreScoped, Base):
    """How far a reader has read a conversation: the customer, or one staff member."""

    __tablename__ = "conversation_reads"
    __table_args__ = (UniqueConstraint("conversation_id", "reader"),)

    conversation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"), index=True)
    reader: Mapped[str] = mapped_column(String(50))  # "customer" or "staff:<user id>"
    last_read_id: Mapped[uuid.UUID]
    read_at: Mapped[datetime] = mapped_column(default=utcnow)
