"""Opaque page tokens: clients pass back what they were given and never build one."""
from __future__ import annotations

import base64
import json

from services.platform.errors import InvalidArgument

MAX_PAGE_SIZE = 500
DEFAULT_PAGE_SIZE = 100


def page_limit(page_size: int) -> int:
    if page_size < 0:
        raise InvalidArgument("page_size must not be negative")
    return min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def encode_token(cursor: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(cursor, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_token(token: str) -> dict:
    if not token:
        return {}
    try:
        padded = token + "=" * (-len(token) % 4)
        cursor = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        raise InvalidArgument("page_token is not a token this API issued") from None
    if not isinstance(cursor, dict):
        raise InvalidArgument("page_token is not a token this API issued")
    return cursor
