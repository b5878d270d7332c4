"""Printable picking lists and packing slips (stub: being built)."""

from fastapi import APIRouter

router = APIRouter(tags=["fulfillment"])
