"""Malformed Discord interactions through the real discord.py app, end to end on the stand-in:
interactions with missing or mistyped fields go over the gateway. Afterwards the bot is still
connected and answers an ordinary `/knot jaw` in a server and in a DM; nothing crashed (see
`crashes`). Known bugs of discord.py's are strict xfails.
"""

from __future__ import annotations

import asyncio
import copy
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from adapters.discord.app import DiscordApp
from bot.core import Knotbot
from tests.platforms.crashes import crashes, signature
from tests.platforms.discord_user import CHANNEL_ID, GUILD_ID, USER_ID, as_sent, running, shown
from tests.platforms.spy import CoreSpy, spy_on
from tests.standins.discord_api import DiscordStandIn, InjectedInteraction


@dataclass
class Running:
    app: DiscordApp
    spy: CoreSpy


@pytest.fixture
async def connected(discord_api: DiscordStandIn, core: Knotbot) -> AsyncIterator[Running]:
    spy = spy_on(core)
    async with running(discord_api, core) as app:
        yield Running(app, spy)


@contextmanager
def mangled(api: DiscordStandIn, mangle: Callable[[dict[str, Any]], None]) -> Iterator[None]:
    """The next interactions go out over the gateway changed by `mangle` (the stand-in still
    knows their id and token, so whatever the bot answers is recorded)."""
    original = api.dispatch

    async def dispatch(event: str, data: Any) -> int:
        if event == "INTERACTION_CREATE":
            data = copy.deepcopy(dict(data))
            mangle(data)
        return await original(event, data)

    api.dispatch = dispatch  # type: ignore[method-assign]
    try:
        yield
    finally:
        api.dispatch = original  # type: ignore[method-assign]


def callbacks_to(api: DiscordStandIn, interaction: InjectedInteraction) -> list[Any]:
    return api.calls_matching("POST", rf"/interactions/{interaction.id}/[^/]+/callback")


async def knot_jaw_answered(api: DiscordStandIn, spy: CoreSpy, *, guild: bool) -> bool:
    """/knot jaw is answered with the core's reply, rendered."""
    where = {"guild_id": GUILD_ID, "channel_id": CHANNEL_ID} if guild else {}
    inj = await api.inject_slash_command("knot", {"area": "jaw"}, user_id=USER_ID, **where)
    callback = await api.wait_for_callback(inj)
    assert callback.status == 200, callback.response
    message = api.original_response(inj)
    assert message is not None
    return [shown(message)] == as_sent(spy.replies()[-1])


Mangle = Callable[[dict[str, Any]], None]


def at(data: Any, path: tuple[str | int, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def drop(*path: str | int) -> Mangle:
    return lambda data: at(data, path[:-1]).pop(path[-1], None)


def put(value: Any, *path: str | int) -> Mangle:
    return lambda data: at(data, path[:-1]).__setitem__(path[-1], value)


def both(*mangles: Mangle) -> Mangle:
    def mangle(data: dict[str, Any]) -> None:
        for each in mangles:
            each(data)

    return mangle


def unchanged(data: dict[str, Any]) -> None:
    """Sent as the stand-in builds it."""


def option(name: str, kind: int, value: Any) -> Mangle:
    return put([{"name": name, "type": kind, "value": value}], "data", "options")


def typed(name: str, kind: int, value: Any, *path: str | int) -> Mangle:
    """Give the option `name` (among the options at `path`) another type and value."""

    def mangle(data: dict[str, Any]) -> None:
        for each in at(data, path):
            if each["name"] == name:
                each.update(type=kind, value=value)

    return mangle


GUILD = {"guild_id": GUILD_ID, "channel_id": CHANNEL_ID}
A_TIP = {"tip": "a tennis ball against the wall, gently", "area": "jaw"}


@dataclass(frozen=True)
class Case:
    what: str
    how: str  # button, select, modal, autocomplete, or a slash command's name
    mangle: Mangle = unchanged
    where: dict[str, Any] = field(default_factory=lambda: GUILD)
    answered: bool = True  # the bot must answer it (Discord: "This interaction failed" if not)
    bug: str = ""  # a known bug (strict xfail)

    def __str__(self) -> str:
        return self.what


DISCORD_CASES = [
    Case("button with an empty custom_id", "button", put("", "data", "custom_id")),
    Case("button with a 200-char custom_id", "button", put("x" * 200, "data", "custom_id")),
    Case("button with a numeric custom_id", "button", put(12, "data", "custom_id")),
    Case("button with a custom_id of only colons", "button", put(":" * 100, "data", "custom_id")),
    Case("button without member or user", "button", both(drop("member"), drop("user"))),
    Case("button in a DM without user", "button", drop("user"), where={}),
    Case("button without the message", "button", drop("message")),
    Case("select menu with values", "select"),
    Case("unknown interaction type", "button", put(99, "type"), answered=False),
    Case("unknown component type", "button", put(99, "data", "component_type")),
    Case("modal submit", "modal", answered=False),  # knotbot shows no modals
    Case("slash command for an unknown name", "knot", put("frobnicate", "data", "name")),
    Case("slash command for an unknown name with odd options", "knot",
         both(put("zz", "data", "name"), option("x", 4, 7))),
    Case("/knot area as null", "knot", option("area", 3, None)),
    Case("/knot area of 6000 characters", "knot", option("area", 3, "jaw " * 1500)),
    Case("/knot with an unknown option", "knot", option("colour", 3, "red")),
    Case("/areas with a subcommand option", "areas", option("share", 1, None)),
    Case("slash command without member or user", "knot", both(drop("member"), drop("user"))),
    Case("slash command in a DM without user", "knot", drop("user"), where={}),
    Case("slash command in an unknown channel", "knot", put("1", "channel_id")),
    Case("autocomplete of 1000 characters", "autocomplete",
         put("up" * 500, "data", "options", 0, "value")),
    # known bugs
    Case("button without custom_id", "button", drop("data", "custom_id"), answered=False,
         bug="discord.py raises KeyError('custom_id') in ConnectionState.parse_interaction_create "
             "and the client's connection ends (nothing logged)"),
    Case("/knot area as an integer", "knot", option("area", 4, 5),
),
    Case("/knot area as a list", "knot", option("area", 3, ["jaw"]),
),
    Case("/tip share area as an integer", "tip", typed("area", 4, 5, "data", "options", 0, "options"),
),
    Case("autocomplete with an integer value", "autocomplete", typed("area", 4, 5, "data", "options"),
),
    Case("autocomplete for an unknown option", "autocomplete",
         put("colour", "data", "options", 0, "name"),
         bug="discord.py logs CommandSignatureMismatch from autocomplete itself; SlashCommands.on_error "
             "never sees it, so nobody answers"),
    Case("autocomplete without focused option", "autocomplete",
         drop("data", "options", 0, "focused"),
         bug="discord.py raises AppCommandError('no focused element'), logged by the tree"),
    Case("/knot with options not a list", "knot", put({"area": "jaw"}, "data", "options"),
         bug="discord.py CommandTree._get_app_command_options: AttributeError in a task"),
    Case("slash command without data", "knot", put({}, "data"),
         bug="discord.py CommandTree._get_app_command_options: KeyError('name') in a task"),
]  # fmt: skip


async def send(api: DiscordStandIn, case: Case) -> InjectedInteraction:
    where, who = case.where, {"user_id": USER_ID}
    with mangled(api, case.mangle):
        if case.how == "button":
            return await api.inject_button("a:jaw", 880_000_000_000_000_001, **who, **where)
        if case.how == "select":
            return await api.inject_select(
                "a:jaw", ["neck"], 880_000_000_000_000_002, **who, **where
            )
        if case.how == "autocomplete":
            return await api.inject_autocomplete("knot", "area", "up", **who, **where)
        if case.how == "modal":
            return await api.inject_modal_submit("m:1", {"t": "jaw"}, **who, **where)
        if case.how == "tip":
            return await api.inject_slash_command("tip", A_TIP, subcommand="share", **who, **where)
        options = {"area": "jaw"} if case.how == "knot" else {}
        return await api.inject_slash_command(case.how, options, **who, **where)


async def survives(
    api: DiscordStandIn, bot: Running, caplog: pytest.LogCaptureFixture, case: Case
) -> None:
    """Send the case; the bot stays connected, logs no crash, answers it in Discord's 3 s if it
    must (never if it must not), and still answers /knot jaw in a server and in a DM."""
    before = len(caplog.records)
    odd = await send(api, case)
    await asyncio.sleep(0.2)  # let it be handled (an answer, if any, takes far less)
    connection = bot.app.connection
    assert connection is not None and not connection.done(), f"{case}: the connection ended"
    logged = [r for r in caplog.records[before:] if r.levelno >= logging.ERROR]
    assert not logged, f"{case}: {[f'{r.name}: {r.getMessage()} {signature(r)}' for r in logged]}"
    if case.answered:
        callback = await api.wait_for_callback(odd, timeout=3.0)
        assert callback.status in (200, 204), f"{case}: {callback.response}"
    else:
        assert not callbacks_to(api, odd), f"{case}: answered {callbacks_to(api, odd)}"
    assert await knot_jaw_answered(api, bot.spy, guild=True), case
    assert await knot_jaw_answered(api, bot.spy, guild=False), case


async def test_malformed_discord_interactions_never_break_the_bot(
    discord_api: DiscordStandIn, connected: Running, caplog: pytest.LogCaptureFixture
) -> None:
    """All of them, one after the other, on one connection."""
    caplog.set_level(logging.WARNING)
    for case in DISCORD_CASES:
        if not case.bug:
            await survives(discord_api, connected, caplog, case)
    assert not crashes(caplog), crashes(caplog)


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.xfail(strict=True, reason=f"known bug: {case.bug}"))
        for case in DISCORD_CASES
        if case.bug
    ],
    ids=str,
)
async def test_known_bug_with_a_malformed_discord_interaction(
    discord_api: DiscordStandIn,
    connected: Running,
    caplog: pytest.LogCaptureFixture,
    case: Case,
) -> None:
    caplog.set_level(logging.WARNING)
    await survives(discord_api, connected, caplog, case)
