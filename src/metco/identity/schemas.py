import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator


def _strip(value: str) -> str:
    return value.strip()


class SignupRequest(BaseModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=8, max_length=256)
    name: str = Field(min_length=1, max_length=200)

    _strip_name = field_validator("name")(_strip)

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("must not be blank")
        return value


class LoginRequest(BaseModel):
    email: EmailStr = Field(max_length=320)
    password: str = Field(min_length=1, max_length=256)


class PasswordResetRequest(BaseModel):
    email: EmailStr = Field(max_length=320)


class PasswordResetConfirm(BaseModel):
    token: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8, max_length=256)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    name: str
    created_at: datetime


class AuthResponse(BaseModel):
    user: UserRead
    token: str
    token_type: str = "Bearer"
    expires_at: datetime


class MembershipRead(BaseModel):
    store_id: uuid.UUID
    store_slug: str
    store_name: str
    role: str
    permissions: list[str]


class MeRead(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    memberships: list[MembershipRead]
