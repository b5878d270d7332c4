"""Repository bases. Store data is read only through `StoreRepository`, whose statements always carry
the store filter: scoping is the default, and forgetting it is impossible."""

import uuid
from typing import Any, ClassVar, Generic, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from metco.kit.db import Base
from metco.kit.errors import NotFound

M = TypeVar("M", bound=Base)


class StoreRepository(Generic[M]):
    model: ClassVar[type[Any]]
    not_found: ClassVar[str] = "No such resource in this store."

    def __init__(self, session: AsyncSession, store_id: uuid.UUID) -> None:
        self.session = session
        self.store_id = store_id

    def select(self) -> Select[M]:
        return select(self.model).where(self.model.store_id == self.store_id)

    async def get(self, id: uuid.UUID) -> M | None:
        return (await self.session.scalars(self.select().where(self.model.id == id))).first()

    async def get_or_404(self, id: uuid.UUID) -> M:
        row = await self.get(id)
        if row is None:
            raise NotFound(self.not_found)
        return row

    def add(self, row: M) -> M:
        row.store_id = self.store_id  # type: ignore[attr-defined]
        self.session.add(row)
        return row
