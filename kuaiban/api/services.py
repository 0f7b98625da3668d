"""快办 services JSON API (to be written)."""

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["快办服务"])
