"""Loopback stand-in for the Discord REST API and WebSocket gateway.

The real discord.py client is pointed at it through its two documented endpoint settings
(``discord.http.Route.BASE`` and ``discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY``, see
:func:`discord_endpoints`), so tests exercise the library's own wire format, rate-limit handling
and interaction plumbing instead of mocks.

Wire-format facts this relies on (checked against discord.py 2.7.1):

* REST replies must carry ``Content-Type: application/json`` exactly, otherwise discord.py treats
  the body as text and login breaks; 204 replies must carry no JSON content type at all.
* A 429 is only retried when the reply has a ``Via`` header (discord.py assumes a 429 without it
  is a Cloudflare ban and raises ``HTTPException``); real Discord sends ``Via: 1.1 google``.
* discord.py appends ``?v=10&encoding=json&compress=zlib-stream`` (``zstd-stream`` when
  ``zstandard`` is installed) to the gateway URL. Only binary frames go through the
  decompressor, so this stand-in answers with plain text frames whatever was asked.
* Interaction callbacks and webhook (interaction token) routes are sent without an
  ``Authorization`` header.

Gateway RESUME is supported minimally: a RESUME with the current session id replays the
dispatches the client missed and sends RESUMED; anything else gets INVALID_SESSION.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import itertools
import json
import math
import re
import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Self

from aiohttp import WSMsgType, web

__all__ = [
    "EPHEMERAL",
    "LOADING",
    "ChannelSpec",
    "DiscordStandIn",
    "InjectedInteraction",
    "MemberSpec",
    "RestCall",
    "RoleSpec",
    "StoredMessage",
    "UploadedFile",
    "discord_endpoints",
]

API_PREFIX = "/api/v10"
DISCORD_EPOCH_MS = 1_420_070_400_000

EPHEMERAL = 1 << 6
"""Message flag: only the invoking user sees the message."""
LOADING = 1 << 7
"""Message flag: the "Bot is thinking..." state of a deferred interaction response."""
SUPPRESS_EMBEDS = 1 << 2

ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 51) - 1
DEFAULT_APP_PERMISSIONS = (
    (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 18)  # use external emojis
    | (1 << 38)  # send messages in threads
)

# Interaction types and the callback types Discord accepts for each of them.
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    APPLICATION_COMMAND: frozenset({4, 5, 9}),
    MESSAGE_COMPONENT: frozenset({4, 5, 6, 7, 9}),
    AUTOCOMPLETE: frozenset({8}),
    MODAL_SUBMIT: frozenset({4, 5, 6, 7}),
}

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

# Option types of application commands.
_SUBCOMMAND, _GROUP = 1, 2
_STRING, _INTEGER, _BOOLEAN, _USER, _CHANNEL, _ROLE, _MENTIONABLE, _NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


# --------------------------------------------------------------------------------------------
# Public value types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelSpec:
    """A guild channel for :meth:`DiscordStandIn.add_guild` (type 0 = text)."""

    id: int
    name: str
    type: int = 0
    position: int = 0
    parent_id: int | None = None
    topic: str | None = None


@dataclass(frozen=True)
class RoleSpec:
    """A guild role; ``permissions`` is the Discord permission bitfield."""

    id: int
    name: str
    permissions: int = 0
    position: int = 1


@dataclass(frozen=True)
class MemberSpec:
    """A guild member (and the user behind it)."""

    id: int
    name: str
    roles: tuple[int, ...] = ()
    nick: str | None = None
    bot: bool = False


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart request."""

    field: str
    filename: str
    size: int
    content_type: str | None


@dataclass
class RestCall:
    """One REST request as the stand-in saw it, with the status it answered."""

    method: str
    path: str
    """Path relative to the API base, e.g. ``/channels/1/messages`` (no query string)."""
    query: dict[str, str]
    json: Any
    """The JSON body, or the decoded ``payload_json`` part of a multipart body."""
    at: float
    """``time.monotonic()`` when the request arrived."""
    status: int = 0
    files: list[UploadedFile] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    response: Any = None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


@dataclass(frozen=True)
class InjectedInteraction:
    """An interaction the stand-in sent over the gateway; ``payload`` is its INTERACTION_CREATE."""

    id: int
    token: str
    type: int
    payload: dict[str, Any]


@dataclass
class StoredMessage:
    """Current server-side state of one message."""

    id: int
    channel_id: int
    author: dict[str, Any]
    content: str = ""
    embeds: list[dict[str, Any]] = field(default_factory=list)
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    flags: int = 0
    allowed_mentions: dict[str, Any] | None = None
    guild_id: int | None = None
    type: int = 0
    tts: bool = False
    nonce: str | int | None = None
    webhook_id: int | None = None
    interaction_metadata: dict[str, Any] | None = None
    message_reference: dict[str, Any] | None = None
    created: datetime = field(default_factory=lambda: datetime.now(UTC))
    edited: datetime | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees this message."""
        return bool(self.flags & EPHEMERAL)

    def custom_ids(self) -> list[str]:
        """All component custom_ids on the message, depth first."""
        return [c["custom_id"] for c in _walk_components(self.components) if "custom_id" in c]

    def to_payload(self) -> dict[str, Any]:
        """The message object as Discord returns it."""
        payload: dict[str, Any] = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "type": self.type,
            "content": self.content,
            "embeds": self.embeds,
            "attachments": self.attachments,
            "components": self.components,
            "flags": self.flags,
            "author": self.author,
            "mentions": [],
            "mention_roles": [],
            "mention_everyone": False,
            "pinned": False,
            "tts": self.tts,
            "timestamp": self.created.isoformat(),
            "edited_timestamp": self.edited.isoformat() if self.edited else None,
        }
        if self.guild_id is not None:
            payload["guild_id"] = str(self.guild_id)
        if self.nonce is not None:
            payload["nonce"] = self.nonce
        if self.webhook_id is not None:
            payload["webhook_id"] = str(self.webhook_id)
            payload["application_id"] = str(self.webhook_id)
        if self.interaction_metadata is not None:
            payload["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            payload["message_reference"] = self.message_reference
        return payload


@contextlib.contextmanager
def discord_endpoints(
    api_base: str | None = None, gateway_url: str | None = None
) -> Iterator[None]:
    """Point discord.py at other endpoints for a block and restore its defaults afterwards.

    These are the two values the KNOTBOT_DISCORD_API_BASE_URL / KNOTBOT_DISCORD_GATEWAY_URL
    settings set; with no arguments this only saves and restores them around code that sets them.
    """
    # Imported here so the stand-in itself does not depend on discord.py.
    import discord.gateway
    import discord.http
    import yarl

    saved_base = discord.http.Route.BASE
    saved_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    try:
        if api_base is not None:
            discord.http.Route.BASE = api_base
        if gateway_url is not None:
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
        yield
    finally:
        discord.http.Route.BASE = saved_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved_gateway


# --------------------------------------------------------------------------------------------
# Internal state
# --------------------------------------------------------------------------------------------


class _HttpError(Exception):
    def __init__(self, status: int, code: int = 0, message: str | None = None) -> None:
        super().__init__(status, code, message)
        self.status = status
        self.code = code
        self.message = message if message is not None else _default_message(status, code)


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[UploadedFile, bytes]]


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


@dataclass
class _Guild:
    id: int
    name: str
    owner_id: int
    channels: dict[int, ChannelSpec]
    roles: dict[int, RoleSpec]
    members: dict[int, MemberSpec]
    joined_at: datetime


@dataclass
class _Interaction:
    id: int
    token: str
    type: int
    payload: dict[str, Any]
    channel_id: int
    guild_id: int | None
    user: dict[str, Any]
    created_at: float
    source_message_id: int | None = None
    callback_type: int | None = None
    original_id: int | None = None
    message_ids: set[int] = field(default_factory=set)
    expired: bool = False


@dataclass
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Callable[..., Any]
    auth: bool
    bucket: str


def _default_message(status: int, code: int) -> str:
    if code and code in _KNOWN_ERRORS:
        return _KNOWN_ERRORS[code]
    return _STATUS_TEXT.get(status, f"{status}: Error")


def _walk_components(components: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    for component in components:
        yield component
        yield from _walk_components(component.get("components", ()))
        if isinstance(component.get("component"), Mapping):
            yield from _walk_components([component["component"]])
        if isinstance(component.get("accessory"), Mapping):
            yield from _walk_components([component["accessory"]])


def _json_response(
    status: int, body: Any, headers: Mapping[str, str] | None = None
) -> web.Response:
    # Exactly "application/json": discord.py compares the header verbatim.
    # (web.json_response and Response(text=...) would append "; charset=utf-8").
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(status=status, body=json.dumps(body).encode(), headers=all_headers)


def _iso(dt: datetime) -> str:
    return dt.isoformat()


# --------------------------------------------------------------------------------------------
# The stand-in
# --------------------------------------------------------------------------------------------


class DiscordStandIn:
    """An aiohttp server on 127.0.0.1 that speaks enough Discord for the real discord.py client.

    Use ``async with DiscordStandIn() as discord_api:``, point discord.py at
    :attr:`api_base` / :attr:`gateway_url`, add guilds, inject interactions and assert on
    :attr:`calls` and :attr:`messages`.
    """

    def __init__(
        self,
        token: str = "TEST.TOKEN",
        *,
        app_id: int = 1_100_000_000_000_000_001,
        bot_user_id: int = 1_100_000_000_000_000_002,
        bot_name: str = "knotbot",
        heartbeat_interval_ms: int = 41_250,
        interaction_deadline: float | None = 3.0,
        app_permissions: int = DEFAULT_APP_PERMISSIONS,
        attachment_size_limit: int = 10 * 1024 * 1024,
    ) -> None:
        self.token = token
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self.bot_name = bot_name
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.interaction_deadline = interaction_deadline
        """Seconds an interaction may wait for its callback (Discord: 3); None disables it."""
        self.app_permissions = app_permissions
        self.attachment_size_limit = attachment_size_limit

        self.calls: list[RestCall] = []
        """Every REST request, in arrival order of completion."""
        self.unhandled: list[RestCall] = []
        """Requests to routes the stand-in does not implement (answered 404/405)."""
        self.messages: dict[int, StoredMessage] = {}
        self.commands: dict[int | None, list[dict[str, Any]]] = {}
        """Synced application commands by guild id (None = global), as echoed back."""
        self.identify_payloads: list[dict[str, Any]] = []
        self.gateway_queries: list[dict[str, str]] = []
        """Query parameters of every gateway connection (v, encoding, compress)."""
        self.gateway_received: list[dict[str, Any]] = []
        """Every non-heartbeat gateway payload the client sent."""
        self.heartbeats = 0
        self.resumes = 0

        self._users: dict[int, dict[str, Any]] = {}
        self._guilds: dict[int, _Guild] = {}
        self._dm_channels: dict[int, int] = {}  # user id -> DM channel id
        self._dms_closed: set[int] = set()
        self._interactions: dict[str, _Interaction] = {}
        self._modals: dict[str, dict[str, Any]] = {}
        self._failures: list[_Failure] = []
        self._snowflake_seq = itertools.count()

        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self._ws: web.WebSocketResponse | None = None
        self._ws_lock = asyncio.Lock()
        self._session_id: str | None = None
        self._seq = 0
        self._dispatched: list[dict[str, Any]] = []
        self._identified = asyncio.Event()
        self._call_signal = asyncio.Event()
        self._tasks: set[asyncio.Task[Any]] = set()

        self._users[bot_user_id] = self._user_payload(bot_user_id, bot_name, bot=True)
        self._routes = self._build_routes()

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        """Start listening on an ephemeral loopback port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(
            app, handle_signals=False, access_log=None, shutdown_timeout=1.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Close gateway connections and the server; safe to call twice.

        Close the discord.py client first: a client still connected when the gateway goes away
        treats it as an outage and starts reconnecting with backoff.
        """
        for task in list(self._tasks):
            task.cancel()
        for ws in list(self._sockets):
            with contextlib.suppress(Exception):
                await ws.close(code=1001, message=b"stand-in stopping")
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("DiscordStandIn is not started")
        return self._port

    @property
    def api_base(self) -> str:
        """Value for ``discord.http.Route.BASE`` / KNOTBOT_DISCORD_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` / KNOTBOT_DISCORD_GATEWAY_URL."""
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ---------------------------------------------------------------- world setup

    def add_user(self, user_id: int, name: str | None = None, *, bot: bool = False) -> None:
        """Make a user known (for DMs and GET /users/{id}) without a shared guild."""
        self._users[user_id] = self._user_payload(user_id, name or f"user{user_id}", bot=bot)

    def add_guild(
        self,
        guild_id: int,
        name: str = "Test Guild",
        channels: Iterable[ChannelSpec | int] = (),
        roles: Iterable[RoleSpec] = (),
        members: Iterable[MemberSpec | int] = (),
        *,
        owner_id: int | None = None,
        everyone_permissions: int = 0,
    ) -> None:
        """Add a guild the bot is in; sent as GUILD_CREATE after READY (or at once if connected).

        Plain ints are accepted for text channels and members. The @everyone role (id =
        guild id) is added unless given, and the bot itself is always a member.
        """
        channel_specs = {
            c.id: c
            for c in (
                ch if isinstance(ch, ChannelSpec) else ChannelSpec(ch, f"channel-{i}", position=i)
                for i, ch in enumerate(channels)
            )
        }
        role_specs = {r.id: r for r in roles}
        role_specs.setdefault(guild_id, RoleSpec(guild_id, "@everyone", everyone_permissions, 0))
        member_specs = {
            m.id: m
            for m in (
                mb if isinstance(mb, MemberSpec) else MemberSpec(mb, f"user{mb}") for mb in members
            )
        }
        member_specs.setdefault(
            self.bot_user_id, MemberSpec(self.bot_user_id, self.bot_name, bot=True)
        )
        for member in member_specs.values():
            if member.id != self.bot_user_id:
                self._users[member.id] = self._user_payload(member.id, member.name, bot=member.bot)
        first_member = next((m for m in member_specs if m != self.bot_user_id), self.bot_user_id)
        guild = _Guild(
            id=guild_id,
            name=name,
            owner_id=owner_id or first_member,
            channels=channel_specs,
            roles=role_specs,
            members=member_specs,
            joined_at=datetime.now(UTC),
        )
        self._guilds[guild_id] = guild
        if self._ws is not None and not self._ws.closed:
            # A join while connected: no "unavailable" key, so discord.py fires on_guild_join.
            payload = self._guild_payload(guild)
            del payload["unavailable"]
            self._spawn(self.dispatch("GUILD_CREATE", payload))

    def set_dms_closed(self, user_id: int, closed: bool = True) -> None:
        """Make sends to this user's DM channel fail with 403 / 50007, like closed DMs."""
        if closed:
            self._dms_closed.add(user_id)
        else:
            self._dms_closed.discard(user_id)

    def seed_message(
        self,
        channel_id: int,
        content: str = "",
        *,
        components: Sequence[Mapping[str, Any]] = (),
        embeds: Sequence[Mapping[str, Any]] = (),
        author_id: int | None = None,
        flags: int = 0,
    ) -> StoredMessage:
        """Put an existing message in a channel, e.g. one a previous bot run posted."""
        author_id = self.bot_user_id if author_id is None else author_id
        if author_id not in self._users:
            self.add_user(author_id)
        message = StoredMessage(
            id=self._snowflake(),
            channel_id=channel_id,
            author=self._users[author_id],
            content=content,
            embeds=[dict(e) for e in embeds],
            components=[dict(c) for c in components],
            flags=flags,
            guild_id=self._guild_of_channel(channel_id),
        )
        self.messages[message.id] = message
        return message

    # ---------------------------------------------------------------- inspection

    def message(self, message_id: int) -> StoredMessage:
        """The stored message (deleted ones too); KeyError if it never existed."""
        return self.messages[message_id]

    def messages_in(self, channel_id: int, *, include_deleted: bool = False) -> list[StoredMessage]:
        """Messages of a channel, oldest first."""
        return [
            m
            for m in self.messages.values()
            if m.channel_id == channel_id and (include_deleted or not m.deleted)
        ]

    def dm_channel_id(self, user_id: int) -> int | None:
        """The DM channel opened with this user, if any."""
        return self._dm_channels.get(user_id)

    def original_response(self, interaction: InjectedInteraction) -> StoredMessage | None:
        """The message ``@original`` currently refers to for this interaction."""
        state = self._interactions[interaction.token]
        return self.messages.get(state.original_id) if state.original_id else None

    def command(self, name: str, guild_id: int | None = None) -> dict[str, Any] | None:
        """A synced command definition by name and scope (None = global)."""
        return next((c for c in self.commands.get(guild_id, []) if c["name"] == name), None)

    @property
    def intents(self) -> int | None:
        """Intents of the latest IDENTIFY."""
        return self.identify_payloads[-1].get("intents") if self.identify_payloads else None

    @property
    def connected(self) -> bool:
        """Whether a client has identified (or resumed) on an open gateway connection."""
        return self._ws is not None and not self._ws.closed

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

    # ---------------------------------------------------------------- error injection

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
                message=message or _default_message(status, code),
                retry_after=retry_after,
                global_=global_,
                times=times,
            )
        )

    def expire_interaction(self, interaction: InjectedInteraction) -> None:
        """Invalidate the interaction token, as Discord does after 15 minutes."""
        self._interactions[interaction.token].expired = True

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

    async def inject_slash_command(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Mapping[str, Any]] = (),
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        subcommand: str | None = None,
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Send a chat-input command invocation as a user would trigger it.

        ``options`` maps option names to values, encoded with the types of the synced command
        (so ``{"minutes": "5"}`` arrives as the integer 5 for an integer option); a list is
        passed through as raw option dicts. ``subcommand`` is ``"sub"`` or ``"group sub"``.
        ``permissions`` defaults to what @everyone plus ``roles`` grant. Raises AssertionError
        for things the Discord client would not let a user send (unsynced command, unknown or
        missing required option, a choice outside the list, hidden by default permissions).
        """
        data, definition = self._command_data(name, options, subcommand, guild_id, focused=None)
        return await self._inject(
            APPLICATION_COMMAND,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
            command=definition,
        )

    async def inject_autocomplete(
        self,
        name: str,
        focused_option: str,
        value: str,
        options: Mapping[str, Any] | None = None,
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        subcommand: str | None = None,
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Send an autocomplete request (interaction type 4) for a partially typed option.

        The focused value is sent as the typed string, as Discord does; ``options`` are the
        other, already filled options. Answer with callback type 8.
        """
        data, definition = self._command_data(
            name, dict(options or {}), subcommand, guild_id, focused=(focused_option, value)
        )
        return await self._inject(
            AUTOCOMPLETE,
            data,
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
            command=definition,
        )

    async def inject_button(
        self,
        custom_id: str,
        message_id: int,
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Press a button (interaction type 3, component type 2) on a message.

        A known message must carry a component with that custom_id. An unknown ``message_id``
        stands for a message from before the process started: a bot message with just that
        button is made up (in ``channel_id``), which is what persistent views are for.
        """
        return await self._inject_component(
            custom_id,
            message_id,
            {"custom_id": custom_id, "component_type": 2},
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
        )

    async def inject_select(
        self,
        custom_id: str,
        values: Sequence[str],
        message_id: int,
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Choose values in a string select menu (component type 3) on a message."""
        return await self._inject_component(
            custom_id,
            message_id,
            {"custom_id": custom_id, "component_type": 3, "values": list(values)},
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
        )

    async def inject_modal_submit(
        self,
        custom_id: str,
        values: Mapping[str, str],
        *,
        user_id: int,
        guild_id: int | None = None,
        channel_id: int | None = None,
        permissions: int | None = None,
        roles: Iterable[int] = (),
        locale: str = "en-US",
    ) -> InjectedInteraction:
        """Submit a modal (interaction type 5) with text input values by custom_id.

        If the bot showed this modal (callback type 9), the submission mirrors its layout
        (action rows or labels) and unknown input ids raise AssertionError.
        """
        modal = self._modals.get(custom_id)
        if modal is None:
            components: list[dict[str, Any]] = [
                {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()
            ]
        else:
            known = {
                c["custom_id"] for c in _walk_components(modal["components"]) if c.get("type") == 4
            }
            unknown = set(values) - known
            if unknown:
                raise AssertionError(f"modal {custom_id!r} has no text inputs {sorted(unknown)}")
            components = []
            for top in modal["components"]:
                inputs = [
                    {
                        "type": 4,
                        "id": c.get("id"),
                        "custom_id": c["custom_id"],
                        "value": values.get(c["custom_id"], ""),
                    }
                    for c in _walk_components([top])
                    if c.get("type") == 4
                ]
                if not inputs:
                    continue
                if top.get("type") == 18:
                    components.append({"type": 18, "id": top.get("id"), "component": inputs[0]})
                else:
                    components.append({"type": 1, "id": top.get("id"), "components": inputs})
        return await self._inject(
            MODAL_SUBMIT,
            {"custom_id": custom_id, "components": components},
            user_id=user_id,
            guild_id=guild_id,
            channel_id=channel_id,
            permissions=permissions,
            roles=roles,
            locale=locale,
        )

    # ---------------------------------------------------------------- injection internals

    async def _inject_component(
        self,
        custom_id: str,
        message_id: int,
        data: dict[str, Any],
        **kwargs: Any,
    ) -> InjectedInteraction:
        message = self.messages.get(message_id)
        if message is None:
            channel_id = kwargs.get("channel_id")
            if channel_id is None:
                channel_id = self._default_channel(kwargs.get("guild_id"), kwargs["user_id"])
            kind = data["component_type"]
            component: dict[str, Any] = (
                {"type": 2, "style": 2, "label": custom_id, "custom_id": custom_id}
                if kind == 2
                else {
                    "type": kind,
                    "custom_id": custom_id,
                    "options": [],
                    "min_values": 1,
                    "max_values": 1,
                }
            )
            message = StoredMessage(
                id=message_id,
                channel_id=channel_id,
                author=self._users[self.bot_user_id],
                components=[{"type": 1, "components": [component]}],
                guild_id=kwargs.get("guild_id"),
            )
            self.messages[message_id] = message
        elif message.deleted:
            raise AssertionError(f"message {message_id} was deleted; nobody can press its buttons")
        elif custom_id not in message.custom_ids():
            raise AssertionError(
                f"message {message_id} has no component {custom_id!r} (has {message.custom_ids()})"
            )
        kwargs["channel_id"] = message.channel_id
        if kwargs.get("guild_id") is None:
            kwargs["guild_id"] = message.guild_id
        return await self._inject(MESSAGE_COMPONENT, data, source=message, **kwargs)

    async def _inject(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user_id: int,
        guild_id: int | None,
        channel_id: int | None,
        permissions: int | None,
        roles: Iterable[int],
        locale: str,
        command: dict[str, Any] | None = None,
        source: StoredMessage | None = None,
    ) -> InjectedInteraction:
        await self.wait_until_identified()
        if user_id not in self._users:
            self.add_user(user_id)
        user = self._users[user_id]
        interaction_id = self._snowflake()
        token = "aW50ZXJhY3Rpb24" + secrets.token_urlsafe(48)
        payload: dict[str, Any] = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": kind,
            "token": token,
            "version": 1,
            "data": data,
            "app_permissions": str(self.app_permissions),
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": self.attachment_size_limit,
        }
        if guild_id is not None:
            guild = self._guild(guild_id)
            member = guild.members.get(user_id)
            role_ids = tuple(roles) or (member.roles if member else ())
            if member is None:
                member = MemberSpec(user_id, user["username"], role_ids)
                guild.members[user_id] = member
            perms = (
                self._member_permissions(guild, role_ids) if permissions is None else permissions
            )
            if command is not None:
                self._check_command_visible(command, perms, in_guild=True)
            channel_id = (
                channel_id if channel_id is not None else self._default_channel(guild_id, user_id)
            )
            channel = guild.channels.get(channel_id) or ChannelSpec(
                channel_id, f"channel-{channel_id}"
            )
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel_id=str(channel_id),
                channel={**self._channel_payload(guild_id, channel), "permissions": str(perms)},
                member={
                    **self._member_payload(guild, member),
                    "roles": [str(r) for r in role_ids],
                    "permissions": str(perms),
                },
                authorizing_integration_owners={"0": str(guild_id)},
                context=0,
            )
        else:
            if command is not None:
                self._check_command_visible(command, 0, in_guild=False)
            if channel_id is None:
                channel_id = self._open_dm(user_id)
            payload.update(
                channel_id=str(channel_id),
                channel={
                    "id": str(channel_id),
                    "type": 1,
                    "last_message_id": None,
                    "flags": 0,
                    "recipients": [user],
                },
                user=user,
                authorizing_integration_owners={"0": "0"},
                context=1,
            )
        if source is not None:
            payload["message"] = source.to_payload()
        self._interactions[token] = _Interaction(
            id=interaction_id,
            token=token,
            type=kind,
            payload=payload,
            channel_id=channel_id,
            guild_id=guild_id,
            user=user,
            created_at=time.monotonic(),
            source_message_id=source.id if source else None,
        )
        await self.dispatch("INTERACTION_CREATE", payload)
        return InjectedInteraction(interaction_id, token, kind, payload)

    def _find_command(self, name: str, guild_id: int | None) -> tuple[dict[str, Any], int | None]:
        scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            found = self.command(name, scope)
            if found is not None and found.get("type", 1) == 1:
                return found, scope
        synced = {str(k): [c["name"] for c in v] for k, v in self.commands.items()}
        raise AssertionError(
            f"/{name} is not a synced chat-input command for guild {guild_id} (synced: {synced})"
        )

    def _command_data(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        subcommand: str | None,
        guild_id: int | None,
        *,
        focused: tuple[str, str] | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        definition, scope = self._find_command(name, guild_id)
        resolved: dict[str, dict[str, Any]] = {}
        level = definition
        path: list[dict[str, Any]] = []
        for part in (subcommand or "").split():
            child = next(
                (o for o in level.get("options", []) if o["name"] == part and o["type"] in (1, 2)),
                None,
            )
            if child is None:
                raise AssertionError(f"/{name} has no subcommand or group {part!r}")
            path.append(child)
            level = child
        if any(o["type"] in (1, 2) for o in level.get("options", [])):
            raise AssertionError(
                f"/{name} {subcommand or ''} needs a subcommand".replace("  ", " ")
            )

        if isinstance(options, Mapping):
            leaf = self._encode_options(name, level, options, resolved, guild_id, focused)
        else:
            leaf = [dict(o) for o in options]

        for node in reversed(path):
            leaf = [{"type": node["type"], "name": node["name"], "options": leaf}]
        data: dict[str, Any] = {
            "id": definition["id"],
            "name": name,
            "type": 1,
            "options": leaf,
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        if resolved:
            data["resolved"] = resolved
        return data, definition

    def _encode_options(
        self,
        command_name: str,
        level: Mapping[str, Any],
        values: Mapping[str, Any],
        resolved: dict[str, dict[str, Any]],
        guild_id: int | None,
        focused: tuple[str, str] | None,
    ) -> list[dict[str, Any]]:
        defs = {o["name"]: o for o in level.get("options", [])}
        given = dict(values)
        if focused is not None:
            fname, _ = focused
            if fname not in defs:
                raise AssertionError(
                    f"/{command_name} has no option {fname!r} (has {sorted(defs)})"
                )
            if not defs[fname].get("autocomplete"):
                raise AssertionError(f"option {fname!r} of /{command_name} has no autocomplete")
            given.pop(fname, None)
        unknown = set(given) - set(defs)
        if unknown:
            raise AssertionError(
                f"/{command_name} has no options {sorted(unknown)} (has {sorted(defs)})"
            )
        if focused is None:
            missing = [n for n, d in defs.items() if d.get("required") and n not in given]
            if missing:
                raise AssertionError(f"/{command_name} is missing required options {missing}")
        encoded: list[dict[str, Any]] = []
        for opt_name, opt in defs.items():  # Discord sends options in definition order
            if focused is not None and opt_name == focused[0]:
                encoded.append(
                    {
                        "type": opt["type"],
                        "name": opt_name,
                        "value": str(focused[1]),
                        "focused": True,
                    }
                )
            elif opt_name in given:
                value = self._encode_value(command_name, opt, given[opt_name], resolved, guild_id)
                encoded.append({"type": opt["type"], "name": opt_name, "value": value})
        return encoded

    def _encode_value(
        self,
        command_name: str,
        opt: Mapping[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild_id: int | None,
    ) -> Any:
        kind = opt["type"]
        if kind == _STRING:
            encoded: Any = str(value)
        elif kind == _INTEGER:
            encoded = int(value)
        elif kind == _NUMBER:
            encoded = float(value)
        elif kind == _BOOLEAN:
            encoded = (
                value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
            )
        elif kind in (_USER, _MENTIONABLE) and int(value) in self._users:
            encoded = str(int(value))
            uid = int(value)
            resolved.setdefault("users", {})[encoded] = self._users[uid]
            if guild_id is not None and uid in self._guild(guild_id).members:
                guild = self._guild(guild_id)
                member = self._member_payload(guild, guild.members[uid])
                member.pop("user")
                member["permissions"] = str(
                    self._member_permissions(guild, guild.members[uid].roles)
                )
                resolved.setdefault("members", {})[encoded] = member
        elif (
            kind in (_ROLE, _MENTIONABLE)
            and guild_id is not None
            and int(value) in self._guild(guild_id).roles
        ):
            encoded = str(int(value))
            resolved.setdefault("roles", {})[encoded] = self._role_payload(
                self._guild(guild_id).roles[int(value)]
            )
        elif (
            kind == _CHANNEL
            and guild_id is not None
            and int(value) in self._guild(guild_id).channels
        ):
            encoded = str(int(value))
            spec = self._guild(guild_id).channels[int(value)]
            resolved.setdefault("channels", {})[encoded] = {
                "id": encoded,
                "name": spec.name,
                "type": spec.type,
                "permissions": str(ALL_PERMISSIONS),
                "parent_id": str(spec.parent_id) if spec.parent_id else None,
            }
        else:
            raise AssertionError(
                f"option {opt['name']!r} of /{command_name} (type {kind}) cannot take {value!r}"
            )
        choices = opt.get("choices")
        offered = [c["value"] for c in choices or ()]
        if offered and encoded not in offered:
            raise AssertionError(f"option {opt['name']!r} of /{command_name} only offers {offered}")
        return encoded

    def _check_command_visible(
        self, command: Mapping[str, Any], perms: int, *, in_guild: bool
    ) -> None:
        contexts = command.get("contexts")
        context = 0 if in_guild else 1
        if contexts is not None and context not in contexts:
            raise AssertionError(f"/{command['name']} is not available in context {context}")
        if not in_guild and command.get("dm_permission") is False:
            raise AssertionError(f"/{command['name']} is not available in DMs")
        needed = command.get("default_member_permissions")
        if in_guild and needed is not None and not perms & ADMINISTRATOR:
            needed_int = int(needed)
            if perms & needed_int != needed_int:
                raise AssertionError(
                    f"Discord hides /{command['name']} from this member: needs permissions"
                    f" {needed_int}, member has {perms}"
                )

    # ---------------------------------------------------------------- payload builders

    def _snowflake(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) | (next(self._snowflake_seq) & 0x3FFFFF)

    @staticmethod
    def _user_payload(user_id: int, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(user_id),
            "username": name,
            "global_name": None if bot else name.title(),
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "public_flags": 0,
            "flags": 0,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "primary_guild": None,
        }

    def _bot_user_payload(self) -> dict[str, Any]:
        return {
            **self._users[self.bot_user_id],
            "verified": True,
            "mfa_enabled": False,
            "locale": "en-US",
            "email": None,
        }

    def _role_payload(self, role: RoleSpec) -> dict[str, Any]:
        return {
            "id": str(role.id),
            "name": role.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": role.position,
            "permissions": str(role.permissions),
            "managed": False,
            "mentionable": False,
            "flags": 0,
        }

    def _channel_payload(self, guild_id: int, channel: ChannelSpec) -> dict[str, Any]:
        return {
            "id": str(channel.id),
            "type": channel.type,
            "guild_id": str(guild_id),
            "name": channel.name,
            "position": channel.position,
            "permission_overwrites": [],
            "nsfw": False,
            "parent_id": str(channel.parent_id) if channel.parent_id else None,
            "topic": channel.topic,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "flags": 0,
        }

    def _member_payload(self, guild: _Guild, member: MemberSpec) -> dict[str, Any]:
        return {
            "user": self._users[member.id],
            "roles": [str(r) for r in member.roles],
            "nick": member.nick,
            "avatar": None,
            "banner": None,
            "joined_at": _iso(guild.joined_at),
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }

    def _guild_payload(self, guild: _Guild) -> dict[str, Any]:
        return {
            "id": str(guild.id),
            "name": guild.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(guild.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "features": [],
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "vanity_url_code": None,
            "max_members": 500_000,
            "application_id": None,
            "joined_at": _iso(guild.joined_at),
            "large": False,
            "unavailable": False,
            # member_count == len(members) marks the guild as chunked, so discord.py does not
            # ask for members (op 8) even with the members intent.
            "member_count": len(guild.members),
            "roles": [self._role_payload(r) for r in guild.roles.values()],
            "channels": [self._channel_payload(guild.id, c) for c in guild.channels.values()],
            "members": [self._member_payload(guild, m) for m in guild.members.values()],
            "emojis": [],
            "stickers": [],
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
        }

    def _member_permissions(self, guild: _Guild, role_ids: Iterable[int]) -> int:
        perms = guild.roles[guild.id].permissions
        for role_id in role_ids:
            role = guild.roles.get(role_id)
            if role is not None:
                perms |= role.permissions
        return ALL_PERMISSIONS if perms & ADMINISTRATOR else perms

    def _guild(self, guild_id: int) -> _Guild:
        try:
            return self._guilds[guild_id]
        except KeyError:
            raise AssertionError(f"guild {guild_id} was not added with add_guild()") from None

    def _guild_of_channel(self, channel_id: int) -> int | None:
        return next((g.id for g in self._guilds.values() if channel_id in g.channels), None)

    def _default_channel(self, guild_id: int | None, user_id: int) -> int:
        if guild_id is None:
            return self._open_dm(user_id)
        guild = self._guild(guild_id)
        text = [c.id for c in guild.channels.values() if c.type == 0]
        if not text:
            raise AssertionError(f"guild {guild_id} has no text channel; pass channel_id")
        return text[0]

    def _open_dm(self, user_id: int) -> int:
        if user_id not in self._users:
            self.add_user(user_id)
        if user_id not in self._dm_channels:
            self._dm_channels[user_id] = self._snowflake()
        return self._dm_channels[user_id]

    def _dm_channel_payload(self, user_id: int) -> dict[str, Any]:
        return {
            "id": str(self._dm_channels[user_id]),
            "type": 1,
            "last_message_id": None,
            "flags": 0,
            "recipients": [self._users[user_id]],
        }

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
            await self.dispatch("GUILD_CREATE", self._guild_payload(guild))
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
            "members": [self._member_payload(guild, m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    # ---------------------------------------------------------------- REST server

    def _build_routes(self) -> list[_Route]:
        app = r"(?P<app_id>\d+)"
        token = r"(?P<token>[^/]+)"
        table: list[tuple[str, str, Callable[..., Any], bool]] = [
            ("GET", r"/users/@me", self._get_me, True),
            ("GET", r"/users/(?P<user_id>\d+)", self._get_user, True),
            ("POST", r"/users/@me/channels", self._open_dm_route, True),
            ("GET", r"/oauth2/applications/@me", self._get_application, True),
            ("GET", r"/applications/@me", self._get_application, True),
            ("GET", r"/gateway", self._get_gateway, False),
            ("GET", r"/gateway/bot", self._get_gateway_bot, True),
            ("GET", rf"/applications/{app}/commands", self._get_commands, True),
            ("PUT", rf"/applications/{app}/commands", self._put_commands, True),
            (
                "GET",
                rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands",
                self._get_commands,
                True,
            ),
            (
                "PUT",
                rf"/applications/{app}/guilds/(?P<guild_id>\d+)/commands",
                self._put_commands,
                True,
            ),
            (
                "POST",
                rf"/interactions/(?P<interaction_id>\d+)/{token}/callback",
                self._callback,
                False,
            ),
            (
                "GET",
                rf"/webhooks/{app}/{token}/messages/(?P<message_id>@original|\d+)",
                self._webhook_get,
                False,
            ),
            (
                "PATCH",
                rf"/webhooks/{app}/{token}/messages/(?P<message_id>@original|\d+)",
                self._webhook_edit,
                False,
            ),
            (
                "DELETE",
                rf"/webhooks/{app}/{token}/messages/(?P<message_id>@original|\d+)",
                self._webhook_delete,
                False,
            ),
            ("POST", rf"/webhooks/{app}/{token}", self._webhook_followup, False),
            ("GET", r"/channels/(?P<channel_id>\d+)", self._get_channel, True),
            ("POST", r"/channels/(?P<channel_id>\d+)/messages", self._create_message, True),
            ("POST", r"/channels/(?P<channel_id>\d+)/typing", self._typing, True),
            (
                "GET",
                r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)",
                self._get_message,
                True,
            ),
            (
                "PATCH",
                r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)",
                self._edit_message,
                True,
            ),
            (
                "DELETE",
                r"/channels/(?P<channel_id>\d+)/messages/(?P<message_id>\d+)",
                self._delete_message,
                True,
            ),
            ("GET", r"/guilds/(?P<guild_id>\d+)", self._get_guild, True),
            ("GET", r"/guilds/(?P<guild_id>\d+)/members/(?P<user_id>\d+)", self._get_member, True),
        ]
        routes = []
        for method, regex, handler, auth in table:
            bucket = hashlib.sha1(f"{method} {regex}".encode()).hexdigest()[:32]
            routes.append(_Route(method, re.compile(regex), handler, auth, bucket))
        return routes

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
            return self._error(call, _HttpError(400, 50035, f"Invalid Form Body: {exc}"), "none")

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
            return self._error(call, _HttpError(status), "none")

        if route.auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return self._error(call, _HttpError(401), route.bucket)

        failure = self._take_failure(call)
        if failure is not None:
            return self._failure_response(call, failure, route.bucket)

        try:
            status, body = await route.handler(req, **match.groupdict())
        except _HttpError as exc:
            return self._error(call, exc, route.bucket)
        call.response = body
        headers = self._ratelimit_headers(route.bucket)
        if status == 204:
            return web.Response(status=204, headers=headers)
        return _json_response(status, body, headers)

    async def _read_request(self, request: web.Request, call: RestCall) -> _Request:
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
        return _Request(call.method, call.path, call.query, body, files)

    def _take_failure(self, call: RestCall) -> _Failure | None:
        for failure in self._failures:
            if failure.method in ("*", call.method) and failure.pattern.fullmatch(call.path):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    def _ratelimit_headers(self, bucket: str) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "4",
            "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
            "X-RateLimit-Reset-After": "1.000",
            "X-RateLimit-Bucket": bucket,
            "Via": "1.1 google",
        }

    def _failure_response(self, call: RestCall, failure: _Failure, bucket: str) -> web.Response:
        if failure.status != 429:
            return self._error(
                call, _HttpError(failure.status, failure.code, failure.message), bucket
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
        return _json_response(429, body, headers)

    def _error(self, call: RestCall, exc: _HttpError, bucket: str) -> web.Response:
        body = {"message": exc.message, "code": exc.code}
        call.response = body
        headers = self._ratelimit_headers(bucket) if bucket != "none" else {}
        return _json_response(exc.status, body, headers)

    # ---------------------------------------------------------------- REST handlers

    async def _get_me(self, req: _Request) -> tuple[int, Any]:
        return 200, self._bot_user_payload()

    async def _get_user(self, req: _Request, user_id: str) -> tuple[int, Any]:
        user = self._users.get(int(user_id))
        if user is None:
            raise _HttpError(404, 10013)
        return 200, user

    async def _open_dm_route(self, req: _Request) -> tuple[int, Any]:
        recipient = int((req.json or {}).get("recipient_id", 0))
        if not recipient:
            raise _HttpError(400, 50035)
        self._open_dm(recipient)
        return 200, self._dm_channel_payload(recipient)

    async def _get_application(self, req: _Request) -> tuple[int, Any]:
        owner = self._user_payload(self.app_id + 1, "owner")
        return 200, {
            "id": str(self.app_id),
            "name": self.bot_name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": owner,
            "team": None,
            "bot": self._users[self.bot_user_id],
            "hook": True,
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "tags": [],
        }

    async def _get_gateway(self, req: _Request) -> tuple[int, Any]:
        return 200, {"url": self.gateway_url}

    async def _get_gateway_bot(self, req: _Request) -> tuple[int, Any]:
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

    def _check_app(self, app_id: str) -> None:
        if int(app_id) != self.app_id:
            raise _HttpError(403, 50001)

    async def _get_commands(
        self, req: _Request, app_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        self._check_app(app_id)
        return 200, self.commands.get(int(guild_id) if guild_id else None, [])

    async def _put_commands(
        self, req: _Request, app_id: str, guild_id: str | None = None
    ) -> tuple[int, Any]:
        self._check_app(app_id)
        if not isinstance(req.json, list):
            raise _HttpError(400, 50035)
        scope = int(guild_id) if guild_id else None
        if scope is not None and scope not in self._guilds:
            raise _HttpError(403, 50001)
        previous = {(c["name"], c.get("type", 1)): c["id"] for c in self.commands.get(scope, [])}
        echoed = []
        for command in req.json:
            kind = command.get("type", 1)
            item = {
                "id": previous.get((command["name"], kind)) or str(self._snowflake()),
                "application_id": str(self.app_id),
                "version": str(self._snowflake()),
                "type": kind,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                **command,
            }
            if item["default_member_permissions"] is not None:
                # discord.py sends an int; Discord answers with a string bitfield.
                item["default_member_permissions"] = str(item["default_member_permissions"])
            if scope is not None:
                item["guild_id"] = str(scope)
            echoed.append(item)
        self.commands[scope] = echoed
        return 200, echoed

    async def _callback(self, req: _Request, interaction_id: str, token: str) -> tuple[int, Any]:
        state = self._interactions.get(token)
        if state is None or state.id != int(interaction_id) or state.expired:
            raise _HttpError(404, 10062)
        if (
            self.interaction_deadline is not None
            and state.callback_type is None
            and time.monotonic() - state.created_at > self.interaction_deadline
        ):
            raise _HttpError(404, 10062)
        if state.callback_type is not None:
            raise _HttpError(400, 40060)
        body = req.json if isinstance(req.json, dict) else {}
        kind = body.get("type")
        data = body.get("data") or {}
        if kind not in _ALLOWED_CALLBACKS.get(state.type, frozenset()):
            raise _HttpError(
                400,
                50035,
                f"Invalid Form Body: callback type {kind} for interaction type {state.type}",
            )

        state.callback_type = kind
        result: dict[str, Any] = {"id": str(state.id), "type": state.type}
        resource: dict[str, Any] = {"type": kind}
        message: StoredMessage | None = None
        if kind == 4:
            message = self._new_message(state.channel_id, data, req.files, interaction=state)
            message.type = 20 if state.type == APPLICATION_COMMAND else 0
            result.update(response_message_loading=False)
        elif kind == 5:
            message = self._new_message(
                state.channel_id,
                {"flags": (data.get("flags") or 0) & EPHEMERAL},
                [],
                interaction=state,
            )
            message.flags |= LOADING
            message.type = 20 if state.type == APPLICATION_COMMAND else 0
            result.update(response_message_loading=True)
        elif kind in (6, 7):
            if state.source_message_id is None:
                raise _HttpError(400, 50035, "Invalid Form Body: no message to update")
            message = self.messages[state.source_message_id]
            if kind == 7:
                self._apply_edit(message, data, req.files)
        elif kind == 8:
            if not isinstance(data.get("choices"), list) or len(data["choices"]) > 25:
                raise _HttpError(400, 50035, "Invalid Form Body: choices")
        elif kind == 9:
            self._modals[data["custom_id"]] = data
        if message is not None:
            state.original_id = message.id
            state.message_ids.add(message.id)
            result.update(
                response_message_id=str(message.id), response_message_ephemeral=message.ephemeral
            )
            resource["message"] = message.to_payload()
        return 200, {"interaction": result, "resource": resource}

    def _webhook_state(self, app_id: str, token: str) -> _Interaction:
        state = self._interactions.get(token)
        if (
            state is None
            or state.expired
            or int(app_id) != self.app_id
            or state.callback_type is None
        ):
            raise _HttpError(404, 10015)
        return state

    def _webhook_message(self, state: _Interaction, message_id: str) -> StoredMessage:
        wanted = state.original_id if message_id == "@original" else int(message_id)
        if wanted is None or wanted not in state.message_ids:
            raise _HttpError(404, 10008)
        message = self.messages[wanted]
        if message.deleted:
            raise _HttpError(404, 10008)
        return message

    async def _webhook_get(
        self, req: _Request, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._webhook_state(app_id, token), message_id)
        return 200, message.to_payload()

    async def _webhook_edit(
        self, req: _Request, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._webhook_state(app_id, token), message_id)
        self._apply_edit(message, req.json or {}, req.files)
        message.flags &= ~LOADING
        return 200, message.to_payload()

    async def _webhook_delete(
        self, req: _Request, app_id: str, token: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._webhook_message(self._webhook_state(app_id, token), message_id)
        message.deleted = True
        return 204, None

    async def _webhook_followup(self, req: _Request, app_id: str, token: str) -> tuple[int, Any]:
        state = self._webhook_state(app_id, token)
        data = req.json or {}
        original = self.messages.get(state.original_id) if state.original_id else None
        if original is not None and original.flags & LOADING:
            # Like Discord: the first follow-up after a "thinking" defer fills the loading message.
            self._apply_edit(original, data, req.files)
            original.flags &= ~LOADING
            message = original
        else:
            self._check_not_empty(data, req.files)
            message = self._new_message(state.channel_id, data, req.files, interaction=state)
            state.message_ids.add(message.id)
        if req.query.get("wait") in ("1", "true", "True"):
            return 200, message.to_payload()
        return 204, None

    async def _get_channel(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        cid = int(channel_id)
        for user_id, dm_id in self._dm_channels.items():
            if dm_id == cid:
                return 200, self._dm_channel_payload(user_id)
        gid = self._guild_of_channel(cid)
        if gid is None:
            raise _HttpError(404, 10003)
        return 200, self._channel_payload(gid, self._guilds[gid].channels[cid])

    def _check_channel(self, channel_id: int) -> None:
        dm_user = next((u for u, c in self._dm_channels.items() if c == channel_id), None)
        if dm_user is not None:
            if dm_user in self._dms_closed:
                raise _HttpError(403, 50007)
            return
        if self._guild_of_channel(channel_id) is None:
            raise _HttpError(404, 10003)

    @staticmethod
    def _check_not_empty(data: Mapping[str, Any], files: Sequence[Any]) -> None:
        if not (
            data.get("content")
            or data.get("embeds")
            or data.get("components")
            or data.get("sticker_ids")
            or data.get("poll")
            or files
        ):
            raise _HttpError(400, 50006)

    async def _create_message(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        cid = int(channel_id)
        self._check_channel(cid)
        data = req.json or {}
        self._check_not_empty(data, req.files)
        nonce = data.get("nonce")
        if nonce is not None and data.get("enforce_nonce"):
            for existing in self.messages.values():
                if existing.channel_id == cid and existing.nonce == nonce:
                    return 200, existing.to_payload()
        message = self._new_message(cid, data, req.files)
        return 200, message.to_payload()

    async def _typing(self, req: _Request, channel_id: str) -> tuple[int, Any]:
        self._check_channel(int(channel_id))
        return 204, None

    def _channel_message(self, channel_id: str, message_id: str) -> StoredMessage:
        message = self.messages.get(int(message_id))
        if (
            message is None
            or message.deleted
            or message.channel_id != int(channel_id)
            or message.ephemeral
        ):
            raise _HttpError(404, 10008)
        return message

    async def _get_message(
        self, req: _Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        return 200, self._channel_message(channel_id, message_id).to_payload()

    async def _edit_message(
        self, req: _Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        message = self._channel_message(channel_id, message_id)
        if int(message.author["id"]) != self.bot_user_id:
            raise _HttpError(403, 50005)
        self._apply_edit(message, req.json or {}, req.files)
        return 200, message.to_payload()

    async def _delete_message(
        self, req: _Request, channel_id: str, message_id: str
    ) -> tuple[int, Any]:
        self._channel_message(channel_id, message_id).deleted = True
        return 204, None

    async def _get_guild(self, req: _Request, guild_id: str) -> tuple[int, Any]:
        guild = self._guilds.get(int(guild_id))
        if guild is None:
            raise _HttpError(404, 10004)
        payload = self._guild_payload(guild)
        for key in (
            "members",
            "channels",
            "threads",
            "presences",
            "voice_states",
            "joined_at",
            "large",
        ):
            payload.pop(key, None)
        return 200, payload

    async def _get_member(self, req: _Request, guild_id: str, user_id: str) -> tuple[int, Any]:
        guild = self._guilds.get(int(guild_id))
        if guild is None:
            raise _HttpError(404, 10004)
        member = guild.members.get(int(user_id))
        if member is None:
            raise _HttpError(404, 10007)
        return 200, self._member_payload(guild, member)

    # ---------------------------------------------------------------- message state

    def _new_message(
        self,
        channel_id: int,
        data: Mapping[str, Any],
        files: Sequence[tuple[UploadedFile, bytes]],
        *,
        interaction: _Interaction | None = None,
    ) -> StoredMessage:
        message = StoredMessage(
            id=self._snowflake(),
            channel_id=channel_id,
            author=self._users[self.bot_user_id],
            content=data.get("content") or "",
            embeds=list(data.get("embeds") or []),
            components=list(data.get("components") or []),
            attachments=self._attachments(data.get("attachments"), files, []),
            flags=int(data.get("flags") or 0),
            allowed_mentions=data.get("allowed_mentions"),
            guild_id=self._guild_of_channel(channel_id),
            tts=bool(data.get("tts")),
            nonce=data.get("nonce"),
            message_reference=data.get("message_reference"),
        )
        if interaction is not None:
            message.webhook_id = self.app_id
            message.interaction_metadata = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user,
                "authorizing_integration_owners": interaction.payload[
                    "authorizing_integration_owners"
                ],
            }
        self.messages[message.id] = message
        return message

    def _apply_edit(
        self,
        message: StoredMessage,
        data: Mapping[str, Any],
        files: Sequence[tuple[UploadedFile, bytes]],
    ) -> None:
        if "content" in data:
            message.content = data["content"] or ""
        if "embeds" in data:
            message.embeds = list(data["embeds"] or [])
        if "components" in data:
            message.components = list(data["components"] or [])
        if "allowed_mentions" in data:
            message.allowed_mentions = data["allowed_mentions"]
        if "attachments" in data or files:
            message.attachments = self._attachments(
                data.get("attachments"), files, message.attachments
            )
        if data.get("flags") is not None:
            # Only SUPPRESS_EMBEDS can change on an existing message.
            message.flags = (message.flags & ~SUPPRESS_EMBEDS) | (
                int(data["flags"]) & SUPPRESS_EMBEDS
            )
        message.edited = datetime.now(UTC)
        message.edit_count += 1

    def _attachments(
        self,
        wanted: Sequence[Mapping[str, Any]] | None,
        files: Sequence[tuple[UploadedFile, bytes]],
        existing: Sequence[dict[str, Any]],
    ) -> list[dict[str, Any]]:
        by_id = {a["id"]: a for a in existing}
        if wanted is None:
            wanted = [{"id": i} for i in range(len(files))]
            result = list(existing)
        else:
            result = []
        for item in wanted:
            key = str(item.get("id"))
            if key in by_id:
                result.append(by_id[key])
                continue
            index = int(item.get("id", -1))
            if not 0 <= index < len(files):
                continue
            upload, _content = files[index]
            attachment_id = str(self._snowflake())
            url = f"http://127.0.0.1:{self.port}/attachments/{attachment_id}/{upload.filename}"
            result.append(
                {
                    "id": attachment_id,
                    "filename": item.get("filename") or upload.filename,
                    "description": item.get("description"),
                    "size": upload.size,
                    "url": url,
                    "proxy_url": url,
                    "content_type": upload.content_type,
                }
            )
        return result
