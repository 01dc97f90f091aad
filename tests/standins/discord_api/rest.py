"""The REST server: routing, request decoding, authorization, and the log of every call.

Routes are declared in :meth:`DiscordStandIn._build_routes
<tests.standins.discord_api.server.DiscordStandIn._build_routes>`; each handler gets a
decoded :class:`Request` plus the path's named groups and returns (status, JSON body).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.standins.discord_api.base import API_PREFIX
from tests.standins.discord_api.errors import (
    HttpError,
    error_response,
    json_response,
    ratelimit_headers,
)
from tests.standins.discord_api.failures import FailureInjection
from tests.standins.discord_api.models import InjectedInteraction, RestCall, UploadedFile


@dataclass
class Request:
    """A REST request as handlers get it; ``files`` keeps each upload with its bytes."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[UploadedFile, bytes]]


@dataclass
class Route:
    """One REST route; ``auth`` routes need the bot token, ``bucket`` names its rate limit."""

    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Any]
    auth: bool
    bucket: str


class RestMixin(FailureInjection):
    """``calls`` (answered requests) and ``unhandled`` (routes the stand-in lacks)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calls: list[RestCall] = []
        """Every REST request, in arrival order of completion."""
        self.unhandled: list[RestCall] = []
        """Requests to routes the stand-in does not implement (answered 404/405)."""
        self._call_signal = asyncio.Event()
        self._routes: list[Route] = []

    def calls_matching(self, method: str, path_regex: str) -> list[RestCall]:
        """Recorded calls whose method matches ("*" = any) and whose path fully matches."""
        pattern = re.compile(path_regex)
        return [
            c
            for c in self.calls
            if (method == "*" or c.method == method.upper()) and pattern.fullmatch(c.path)
        ]

    async def wait_for(
        self,
        method: str,
        path_regex: str,
        predicate: Callable[[RestCall], bool] | None = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the timeout yields a readable AssertionError
        count: int = 1,
    ) -> RestCall:
        """Wait until ``count`` matching calls were answered and return the count-th one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            signal = self._call_signal
            matches = [
                c
                for c in self.calls_matching(method, path_regex)
                if predicate is None or predicate(c)
            ]
            if len(matches) >= count:
                return matches[count - 1]
            remaining = deadline - loop.time()
            if remaining <= 0:
                recent = "\n  ".join(str(c) for c in self.calls[-20:]) or "(none)"
                raise AssertionError(
                    f"timed out after {timeout}s waiting for {count} x {method} {path_regex}"
                    f" (found {len(matches)}); recent calls:\n  {recent}"
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), remaining)

    async def wait_for_callback(
        self,
        interaction: InjectedInteraction,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> RestCall:
        """Wait for the callback (the initial response) to an injected interaction."""
        return await self.wait_for(
            "POST",
            rf"/interactions/{interaction.id}/{re.escape(interaction.token)}/callback",
            timeout=timeout,
        )

    # ---------------------------------------------------------------- REST server

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        at = time.monotonic()
        path = request.path[len(API_PREFIX) :] or "/"
        call = RestCall(
            method=request.method,
            path=path,
            query=dict(request.query),
            json=None,
            at=at,
            headers=dict(request.headers),
        )
        response = await self._rest_inner(request, call)
        call.status = response.status
        self.calls.append(call)
        self._call_signal.set()
        self._call_signal = asyncio.Event()
        return response

    async def _rest_inner(self, request: web.Request, call: RestCall) -> web.StreamResponse:
        try:
            req = await self._read_request(request, call)
        except ValueError as exc:
            return error_response(call, HttpError(400, 50035, f"Invalid Form Body: {exc}"), "none")

        route, match = None, None
        path_known = False
        for candidate in self._routes:
            m = candidate.pattern.fullmatch(call.path)
            if m is None:
                continue
            path_known = True
            if candidate.method == call.method:
                route, match = candidate, m
                break
        if route is None or match is None:
            self.unhandled.append(call)
            status = 405 if path_known else 404
            return error_response(call, HttpError(status), "none")

        if route.auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return error_response(call, HttpError(401), route.bucket)

        failure = self._take_failure(call)
        if failure is not None:
            return self._failure_response(call, failure, route.bucket)

        try:
            status, body = await route.handler(req, **match.groupdict())
        except HttpError as exc:
            return error_response(call, exc, route.bucket)
        call.response = body
        headers = ratelimit_headers(route.bucket)
        if status == 204:
            return web.Response(status=204, headers=headers)
        return json_response(status, body, headers)

    async def _read_request(self, request: web.Request, call: RestCall) -> Request:
        files: list[tuple[UploadedFile, bytes]] = []
        body: Any = None
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            while (part := await reader.next()) is not None:
                if part.name == "payload_json":  # type: ignore[union-attr]
                    body = json.loads(await part.text())  # type: ignore[union-attr]
                else:
                    content = await part.read()  # type: ignore[union-attr]
                    upload = UploadedFile(
                        field=part.name or "",  # type: ignore[union-attr]
                        filename=part.filename or "",  # type: ignore[union-attr]
                        size=len(content),
                        content_type=part.headers.get("Content-Type"),  # type: ignore[union-attr]
                    )
                    files.append((upload, bytes(content)))
        elif request.can_read_body:
            raw = await request.text()
            if raw:
                body = json.loads(raw)
        call.json = body
        call.files = [f for f, _ in files]
        return Request(call.method, call.path, call.query, body, files)
