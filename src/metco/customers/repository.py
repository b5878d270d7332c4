"""Every SQL statement of the customers module."""

import uuid
from typing import Any

from sqlalchemy import Select, or_

from metco.customers.models import Customer, CustomerAddress
from metco.kit.repository import StoreRepository


class CustomerRepository(StoreRepository[Customer]):
    model = Customer
    not_found = "No such customer in this store."

    async def by_email(self, email: str) -> Customer | None:
        return (await self.session.scalars(self.select().where(Customer.email == email.lower()))).first()

    async def by_user(self, user_id: uuid.UUID) -> Customer | None:
        return (await self.session.scalars(self.select().where(Customer.user_id == user_id))).first()

    def search(self, q: str | None) -> Select[Any]:
        stmt = self.select()
        if q:
            pattern = f"%{q.lower()}%"
            stmt = stmt.where(or_(Customer.email.like(pattern), Customer.name.ilike(pattern)))
        return stmt


class AddressRepository(StoreRepository[CustomerAddress]):
    model = CustomerAddress
    not_found = "No such address."

    async def of_customer(self, customer_id: uuid.UUID) -> list[CustomerAddress]:
        stmt = self.select().where(CustomerAddress.customer_id == customer_id).order_by(CustomerAddress.id)
        return list((await self.session.scalars(stmt)).all())

    async def get_for_customer(self, customer_id: uuid.UUID, address_id: uuid.UUID) -> CustomerAddress | None:
        stmt = self.select().where(CustomerAddress.customer_id == customer_id, CustomerAddress.id == address_id)
        return (await self.session.scalars(stmt)).first()
