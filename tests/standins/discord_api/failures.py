"""Injected failures: errors and rate limits (429) for the next matching REST requests."""

from __future__ import annotations

import math
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.standins.discord_api.base import StandInBase
from tests.standins.discord_api.errors import (
    HttpError,
    default_message,
    error_response,
    json_response,
)
from tests.standins.discord_api.models import RestCall


@dataclass
class _Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    code: int
    message: str
    retry_after: float | None
    global_: bool
    times: int


class FailureInjection(StandInBase):
    """:meth:`fail_next` queues failures; the REST server answers with them before routing."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._failures: list[_Failure] = []

    def fail_next(
        self,
        method: str,
        path_regex: str,
        *,
        status: int,
        code: int = 0,
        message: str = "",
        retry_after: float | None = None,
        times: int = 1,
        global_: bool = False,
    ) -> None:
        """Answer the next ``times`` matching requests with an error shaped like Discord's.

        A 429 gets the rate-limit body and headers (including ``Via``, without which discord.py
        refuses to retry); ``retry_after`` defaults to 0.5 s for 429s.
        """
        if status == 429 and retry_after is None:
            retry_after = 0.5
        self._failures.append(
            _Failure(
                method=method.upper(),
                pattern=re.compile(path_regex),
                status=status,
                code=code,
                message=message or default_message(status, code),
                retry_after=retry_after,
                global_=global_,
                times=times,
            )
        )

    def _take_failure(self, call: RestCall) -> _Failure | None:
        for failure in self._failures:
            if failure.method in ("*", call.method) and failure.pattern.fullmatch(call.path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _failure_response(self, call: RestCall, failure: _Failure, bucket: str) -> web.Response:
        if failure.status != 429:
            return error_response(
                call, HttpError(failure.status, failure.code, failure.message), bucket
            )
        retry_after = failure.retry_after or 0.0
        body: dict[str, Any] = {
            "message": failure.message,
            "retry_after": retry_after,
            "global": failure.global_,
        }
        if failure.code:
            body["code"] = failure.code
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": bucket,
            "X-RateLimit-Scope": "global" if failure.global_ else "user",
            # discord.py treats a 429 without Via as a Cloudflare ban and does not retry.
            "Via": "1.1 google",
        }
        if failure.global_:
            headers["X-RateLimit-Global"] = "true"
        call.response = body
        return json_response(429, body, headers)
