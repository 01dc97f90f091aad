"""Discord's error answers: JSON bodies with Discord's codes and texts, rate-limit headers.

Every REST reply goes through :func:`json_response`, because discord.py compares the
``Content-Type`` header verbatim.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from tests.standins.discord_api.models import RestCall

_KNOWN_ERRORS: dict[int, str] = {
    0: "",
    10002: "Unknown Application",
    10003: "Unknown Channel",
    10004: "Unknown Guild",
    10007: "Unknown Member",
    10008: "Unknown Message",
    10013: "Unknown User",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    40060: "Interaction has already been acknowledged.",
    50001: "Missing Access",
    50005: "Cannot edit a message authored by another user",
    50006: "Cannot send an empty message",
    50007: "Cannot send messages to this user",
    50013: "Missing Permissions",
    50035: "Invalid Form Body",
}
_STATUS_TEXT = {
    400: "400: Bad Request",
    401: "401: Unauthorized",
    403: "403: Forbidden",
    404: "404: Not Found",
    405: "405: Method Not Allowed",
    429: "You are being rate limited.",
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
    503: "503: Service Unavailable",
}


class HttpError(Exception):
    """Raised by REST handlers; answered as Discord's error body with ``code``."""

    def __init__(self, status: int, code: int = 0, message: str | None = None) -> None:
        super().__init__(status, code, message)
        self.status = status
        self.code = code
        self.message = message if message is not None else default_message(status, code)


def default_message(status: int, code: int) -> str:
    if code and code in _KNOWN_ERRORS:
        return _KNOWN_ERRORS[code]
    return _STATUS_TEXT.get(status, f"{status}: Error")


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> web.Response:
    # Exactly "application/json": discord.py compares the header verbatim.
    # (web.json_response and Response(text=...) would append "; charset=utf-8").
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


def ratelimit_headers(bucket: str) -> dict[str, str]:
    """The headers of an ordinary answer: plenty of room left in ``bucket``."""
    return {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "4",
        "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
        "X-RateLimit-Reset-After": "1.000",
        "X-RateLimit-Bucket": bucket,
        "Via": "1.1 google",
    }


def error_response(call: RestCall, exc: HttpError, bucket: str) -> web.Response:
    """Answer ``call`` with ``exc``; ``bucket`` "none" (no route matched) sends no rate limits."""
    body = {"message": exc.message, "code": exc.code}
    call.response = body
    headers = ratelimit_headers(bucket) if bucket != "none" else {}
    return json_response(exc.status, body, headers)
