"""The JSON API of returns (stub: being built)."""

from fastapi import APIRouter

router = APIRouter(tags=["returns"])
storefront_router = APIRouter(tags=["storefront"])
