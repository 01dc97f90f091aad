"""Playing a person on Discord: the app connected to the stand-in, slash commands and presses,
and how a core reply looks once the adapter has sent it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from adapters.discord import render
from adapters.discord.app import DiscordApp
from bot.core import Knotbot
from bot.messages import ChatKind, ChatRef, Command, Reply, UserRef
from bot.outbox import PlatformLimits
from bot.settings import Settings
from tests.conftest import make_settings
from tests.standins.discord_api import (
    ChannelSpec,
    DiscordStandIn,
    MemberSpec,
    RoleSpec,
    StoredMessage,
)

GUILD_ID = 910_000_000_000_000_001
GUILD_NAME = "Knot Lab"
CHANNEL_ID = 910_000_000_000_000_002
MOD_ROLE_ID = 910_000_000_000_000_003  # the configured moderator role (no permissions)
MANAGER_ROLE_ID = 910_000_000_000_000_004  # a role with Manage Server
USER_ID = 910_000_000_000_000_005
OTHER_ID = 910_000_000_000_000_006
MOD_ID = 910_000_000_000_000_007
MANAGER_ID = 910_000_000_000_000_008
MANAGE_GUILD = 1 << 5
IN_GUILD = {"guild_id": GUILD_ID, "channel_id": CHANNEL_ID}


def add_knot_lab(api: DiscordStandIn) -> None:
    """The server every test plays in: a channel, a moderator role, a Manage Server role."""
    api.add_guild(
        GUILD_ID,
        GUILD_NAME,
        channels=[ChannelSpec(CHANNEL_ID, "general")],
        roles=[
            RoleSpec(MOD_ROLE_ID, "helpers"),
            RoleSpec(MANAGER_ROLE_ID, "admins", permissions=MANAGE_GUILD),
        ],
        members=[
            MemberSpec(USER_ID, "tense"),
            MemberSpec(OTHER_ID, "stiff"),
            MemberSpec(MOD_ID, "helper", roles=(MOD_ROLE_ID,)),
            MemberSpec(MANAGER_ID, "owner", roles=(MANAGER_ROLE_ID,)),
        ],
    )


def settings_for(api: DiscordStandIn, **overrides: Any) -> Settings:
    return make_settings(
        discord_token=api.token,
        discord_api_base_url=api.api_base,
        discord_gateway_url=api.gateway_url,
        **overrides,
    )


@asynccontextmanager
async def running(
    api: DiscordStandIn, core: Knotbot, limits: PlatformLimits | None = None, **settings: Any
) -> AsyncIterator[DiscordApp]:
    """The real discord.py client, connected to the stand-in, around `core`."""
    extra = {"limits": limits} if limits else {}
    app = DiscordApp(core, settings_for(api, **settings), guild_ready_timeout=0.05, **extra)
    try:
        await asyncio.wait_for(app.start(), 10)
        yield app
    finally:
        await app.stop()


# -- the core's side: the events the adapter should make ------------------------------------


def person(user_id: int = USER_ID, name: str = "Tense", *, moderator: bool = False) -> UserRef:
    """A stand-in member as the adapter names them."""
    return UserRef("discord", str(user_id), name, "en-US", is_moderator=moderator)


def private(user_id: int = USER_ID) -> ChatRef:
    return ChatRef("discord", str(user_id), ChatKind.PRIVATE)


def channel() -> ChatRef:
    return ChatRef("discord", str(CHANNEL_ID), ChatKind.COMMUNITY, str(GUILD_ID), GUILD_NAME)


def command(name: str, args: str = "", *, chat: ChatRef | None = None, **who: Any) -> Command:
    """The core event for /name with `args`, by `who` (a person) in `chat` (the channel)."""
    return Command(chat or channel(), person(**who), name, args)


def as_sent(reply: Reply) -> list[str]:
    """The text of each message the adapter sends for `reply` (content or embed)."""
    return [message.text for message in render.layout(reply)]


# -- the person's side ----------------------------------------------------------------------


def shown(message: StoredMessage) -> str:
    """What a user reads: the content and the embed descriptions."""
    parts = [message.content, *(e.get("description", "") for e in message.embeds)]
    return "\n".join(p for p in parts if p)


def buttons(message: StoredMessage) -> list[tuple[str, str, int]]:
    return [
        (b["label"], b["custom_id"], b["style"])
        for row in message.components
        for b in row.get("components", [])
    ]


def custom_id(message: StoredMessage, label: str) -> str:
    return next(c for lbl, c, _ in buttons(message) if lbl == label)


async def slash(
    api: DiscordStandIn,
    name: str,
    options: dict[str, str] | None = None,
    *,
    user_id: int = USER_ID,
    guild: bool = True,
    subcommand: str | None = None,
    locale: str = "en-US",
) -> StoredMessage:
    """A slash command (in the server's channel, or in a DM) from a client in `locale`; the
    answer its user sees."""
    where = IN_GUILD if guild else {}
    inj = await api.inject_slash_command(
        name, options or {}, user_id=user_id, subcommand=subcommand, locale=locale, **where
    )
    callback = await api.wait_for_callback(inj)
    assert callback.status == 200, callback.response
    message = api.original_response(inj)
    assert message is not None
    return message


def sent_message_bodies(api: DiscordStandIn) -> list[dict[str, Any]]:
    """Every message body the bot sent or edited: callbacks, follow-ups, posts and edits."""
    bodies = []
    for call in api.calls:
        if call.method not in ("POST", "PATCH") or not isinstance(call.json, dict):
            continue
        if call.path.endswith("/callback"):
            body = call.json.get("data") or {}
        elif "/webhooks/" in call.path or re.fullmatch(r"/channels/\d+/messages(/\d+)?", call.path):
            body = call.json
        else:
            continue
        if "content" in body or "embeds" in body:
            bodies.append(body)
    return bodies


def components_of(reply: Reply) -> list[dict[str, Any]]:
    """The button rows the adapter sends with `reply`, as they go over the wire."""
    view = render.make_view(reply.buttons)
    return view.to_components() if view is not None else []


def body_text(body: dict[str, Any]) -> str:
    """What a message body sent or edited over the wire shows: its content or its embed."""
    embeds = body.get("embeds") or []
    return body.get("content") or (embeds[0].get("description", "") if embeds else "")


def edited_as(reply: Reply) -> str:
    """What the adapter edits a message to for `reply` (one message, cut if it must be)."""
    return render.single(reply).text


def noticed_as(note: str) -> str:
    """What the adapter sends for a core notice (an ephemeral message): the note, escaped."""
    return render.escape(note)[: render.CONTENT_LIMIT]
