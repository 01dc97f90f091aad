"""The WebSocket gateway: HELLO, heartbeats, IDENTIFY/READY, RESUME, member chunks, dispatch.

Frames are plain JSON text whatever compression the client asked for (see the package
docstring); dispatches are kept so a RESUME can replay what the client missed.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import Mapping
from typing import Any

from aiohttp import WSMsgType, web

from tests.standins.discord_api.guilds import GuildsMixin
from tests.standins.discord_api.models import Guild
from tests.standins.discord_api.payloads import guild_payload, member_payload
from tests.standins.discord_api.rest import Request


class GatewayMixin(GuildsMixin):
    """One gateway session at a time (``_ws``), with its sequence and dispatch history."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.identify_payloads: list[dict[str, Any]] = []
        self.gateway_queries: list[dict[str, str]] = []
        """Query parameters of every gateway connection (v, encoding, compress)."""
        self.gateway_received: list[dict[str, Any]] = []
        """Every non-heartbeat gateway payload the client sent."""
        self.heartbeats = 0
        self.resumes = 0
        self._sockets: set[web.WebSocketResponse] = set()
        self._ws: web.WebSocketResponse | None = None
        self._ws_lock = asyncio.Lock()
        self._session_id: str | None = None
        self._seq = 0
        self._dispatched: list[dict[str, Any]] = []
        self._identified = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def intents(self) -> int | None:
        """Intents of the latest IDENTIFY."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    @property
    def connected(self) -> bool:
        """Whether a client has identified (or resumed) on an open gateway connection."""
        return self._ws is not None and not self._ws.closed

    # ---------------------------------------------------------------- gateway injection

    async def wait_until_identified(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until a client has identified on the gateway."""
        try:
            await asyncio.wait_for(self._identified.wait(), timeout)
        except TimeoutError:
            raise AssertionError(
                f"no discord.py client identified on {self.gateway_url} within {timeout}s"
            ) from None

    async def dispatch(self, event: str, data: Mapping[str, Any]) -> int:
        """Send a DISPATCH (op 0) event to the connected client; returns its sequence number.

        Events sent while no client is connected are kept and replayed on RESUME.
        """
        async with self._ws_lock:
            self._seq += 1
            frame = {"op": 0, "t": event, "s": self._seq, "d": data}
            self._dispatched.append(frame)
            if self._ws is not None and not self._ws.closed:
                await self._ws.send_str(json.dumps(frame))
            return self._seq

    async def send_reconnect(self) -> None:
        """Send op 7 RECONNECT: discord.py drops the socket and RESUMEs on a new one."""
        if self._ws is None:
            raise AssertionError("no client is connected")
        ws = self._ws
        self._identified.clear()
        async with self._ws_lock:
            await ws.send_str(json.dumps({"op": 7, "d": None, "s": None, "t": None}))

    def _guild_added(self, guild: Guild) -> None:
        super()._guild_added(guild)
        if self._ws is not None and not self._ws.closed:
            # A join while connected: no "unavailable" key, so discord.py fires on_guild_join.
            payload = guild_payload(guild, self._users)
            del payload["unavailable"]
            self._spawn(self.dispatch("GUILD_CREATE", payload))

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ---------------------------------------------------------------- gateway server

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(timeout=1.0, max_msg_size=0)
        await ws.prepare(request)
        self.gateway_queries.append(dict(request.query))
        self._sockets.add(ws)
        try:
            await ws.send_str(
                json.dumps(
                    {
                        "op": 10,
                        "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                        "s": None,
                        "t": None,
                    }
                )
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._gateway_op(ws, json.loads(msg.data))
        finally:
            self._sockets.discard(ws)
            if self._ws is ws:
                self._ws = None
                self._identified.clear()
        return ws

    async def _gateway_op(self, ws: web.WebSocketResponse, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            self.heartbeats += 1
            async with self._ws_lock:
                await ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
            return
        self.gateway_received.append(payload)
        if op == 2:
            await self._identify(ws, data)
        elif op == 6:
            await self._resume(ws, data)
        elif op == 8:
            await self._request_members(data)

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        self.identify_payloads.append(data)
        if data.get("token") != self.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        async with self._ws_lock:
            self._ws = ws
            self._session_id = secrets.token_hex(16)
            self._seq = 0
            self._dispatched.clear()
        ready: dict[str, Any] = {
            "v": 10,
            "user": self._bot_user_payload(),
            "guilds": [{"id": str(g), "unavailable": True} for g in self._guilds],
            "session_id": self._session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "guild_join_requests": [],
            "user_settings": {},
            "_trace": ['["knotbot-standin",{}]'],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self.dispatch("READY", ready)
        for guild in list(self._guilds.values()):
            await self.dispatch("GUILD_CREATE", guild_payload(guild, self._users))
        self._identified.set()

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> None:
        if data.get("token") != self.token or data.get("session_id") != self._session_id:
            async with self._ws_lock:
                await ws.send_str(json.dumps({"op": 9, "d": False, "s": None, "t": None}))
            return
        self.resumes += 1
        last_seen = data.get("seq") or 0
        async with self._ws_lock:
            self._ws = ws
            for frame in self._dispatched:
                if frame["s"] > last_seen:
                    await ws.send_str(json.dumps(frame))
        await self.dispatch("RESUMED", {"_trace": ['["knotbot-standin",{}]']})
        self._identified.set()

    async def _request_members(self, data: dict[str, Any]) -> None:
        guild = self._guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        members = list(guild.members.values())
        if data.get("user_ids"):
            wanted = {int(u) for u in data["user_ids"]}
            members = [m for m in members if m.id in wanted]
        elif data.get("query"):
            members = [m for m in members if m.name.lower().startswith(data["query"].lower())]
        limit = data.get("limit") or 0
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [member_payload(guild, m, self._users) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ---------------------------------------------------------------- REST handlers

    async def _get_gateway(self, req: Request) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, req: Request) -> tuple[int, Any]:
        return 200, {
            "url": self.gateway_url,
            "shards": 1,
            "session_start_limit": {
                "total": 1000,
                "remaining": 999,
                "reset_after": 0,
                "max_concurrency": 1,
            },
        }
