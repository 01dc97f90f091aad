"""Discord forms: `/tip share` without its text opens a form, and so does the message command
"Share as a tip" (prefilled with the message's text); a submitted form reaches the core as the
`/tip share` the slash command makes, and the core's answer arrives.

The real discord.py client is connected to the Discord stand-in; the core never hears of
forms, so each test checks the form on the wire, the event the core was given and the answer.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from adapters.discord.modals import AREA_FIELD, FORM_ID, MENU_NAME, TIP_FIELD
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import Command
from bot.storage import Database
from bot.tips.rules import MAX_CHARS
from tests.conftest import make_settings
from tests.platforms.discord_user import (
    CHANNEL_ID,
    GUILD_ID,
    IN_GUILD,
    MANAGER_ID,
    USER_ID,
    as_sent,
    channel,
    person,
    private,
    running,
    shown,
)
from tests.platforms.spy import spy_on
from tests.standins.discord_api import DiscordStandIn, InjectedInteraction, RestCall

A_TIP = "A tennis ball against the wall, slow breaths, two minutes a side."


def fields(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The form's fields by custom_id, each with its label."""
    return {
        top["component"]["custom_id"]: {**top["component"], "label": top["label"]}
        for top in form["components"]
    }


async def form_shown(api: DiscordStandIn, interaction: InjectedInteraction) -> dict[str, Any]:
    callback = await api.wait_for_callback(interaction)
    assert callback.status == 200, callback.response
    assert callback.json["type"] == 9  # a modal
    form: dict[str, Any] = callback.json["data"]
    return form


async def submit(
    api: DiscordStandIn, values: dict[str, Any], **who: Any
) -> tuple[InjectedInteraction, RestCall]:
    """Submit the tip form as a person would: the submission, and the bot's answer to it."""
    sent = await api.inject_modal_submit(FORM_ID, values, **who)
    answer = await api.wait_for_callback(sent)
    assert answer.status == 200, answer.response
    return sent, answer


async def test_tip_share_without_text_opens_the_form_and_its_submission_is_tip_share(
    discord_api: DiscordStandIn, core: Knotbot, caplog: pytest.LogCaptureFixture
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        opened = await discord_api.inject_slash_command(
            "tip", {}, user_id=USER_ID, subcommand="share", **IN_GUILD
        )
        form = await form_shown(discord_api, opened)
        assert spy.events == []  # opening a form is Discord's business, not the core's
        sent, answer = await submit(
            discord_api, {TIP_FIELD: A_TIP, AREA_FIELD: ["jaw"]}, user_id=USER_ID, **IN_GUILD
        )
    tip, area = fields(form)[TIP_FIELD], fields(form)[AREA_FIELD]
    assert (tip["type"], tip["style"], tip["max_length"]) == (4, 2, MAX_CHARS)  # a paragraph
    assert tip["required"] and "value" not in tip
    assert area["type"] == 3 and area["required"] is False and area["min_values"] == 0
    spots = core.complete("areas", "")
    assert [(o["label"], o["value"]) for o in area["options"]] == spots
    assert not any(o["default"] for o in area["options"])

    assert spy.events == [Command(channel(), person(), "tip", f"share {A_TIP}", {"area": "jaw"})]
    (reply,) = spy.replies()
    assert answer.json["type"] == 4
    message = discord_api.original_response(sent)
    assert message is not None and [shown(message)] == as_sent(reply)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_spot_given_with_tip_share_is_chosen_in_the_form(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        opened = await discord_api.inject_slash_command(
            "tip", {"area": "upper-back"}, user_id=USER_ID, subcommand="share", **IN_GUILD
        )
        form = await form_shown(discord_api, opened)
        await submit(discord_api, {TIP_FIELD: A_TIP}, user_id=USER_ID, **IN_GUILD)  # spot kept
    chosen = [o["value"] for o in fields(form)[AREA_FIELD]["options"] if o["default"]]
    assert chosen == ["upper-back"]
    (event,) = spy.events
    assert isinstance(event, Command) and event.options == {"area": "upper-back"}


async def test_tip_share_with_its_text_goes_straight_to_the_core(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        inj = await discord_api.inject_slash_command(
            "tip", {"tip": A_TIP}, user_id=USER_ID, subcommand="share", **IN_GUILD
        )
        callback = await discord_api.wait_for_callback(inj)
    assert callback.json["type"] == 4
    assert spy.events == [Command(channel(), person(), "tip", f"share {A_TIP}")]


async def test_share_as_a_tip_on_a_message_opens_the_form_with_its_text(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    said = discord_api.seed_message(CHANNEL_ID, A_TIP, author_id=USER_ID)
    long = discord_api.seed_message(CHANNEL_ID, "slow " * 300, author_id=USER_ID)
    async with running(discord_api, core):
        menu = await discord_api.inject_message_command(MENU_NAME, said.id, user_id=MANAGER_ID)
        form = await form_shown(discord_api, menu)
        _, answer = await submit(discord_api, {}, user_id=MANAGER_ID, **IN_GUILD)  # as prefilled
        cut = await form_shown(
            discord_api,
            await discord_api.inject_message_command(MENU_NAME, long.id, user_id=USER_ID),
        )
    assert fields(form)[TIP_FIELD]["value"] == A_TIP
    prefill = fields(cut)[TIP_FIELD]["value"]
    assert len(prefill) == MAX_CHARS and prefill.startswith("slow slow")  # cut to fit
    (event,) = spy.events
    assert isinstance(event, Command)
    assert (event.name, event.args, event.options) == ("tip", f"share {A_TIP}", {})
    assert event.chat == channel() and event.user.user_id == str(MANAGER_ID)
    assert event.user.is_moderator  # Manage Server: who submits is who shares
    assert answer.json["type"] == 4 and answer.json["data"]["content"]


async def test_the_form_works_in_a_dm_and_after_a_restart(
    discord_api: DiscordStandIn, core: Knotbot, content: ContentLibrary, db: Database
) -> None:
    async with running(discord_api, core):
        opened = await discord_api.inject_slash_command(
            "tip", {}, user_id=USER_ID, subcommand="share"
        )
        await form_shown(discord_api, opened)
    restarted = Knotbot(settings=make_settings(), content=content, db=db)
    spy = spy_on(restarted)
    async with running(discord_api, restarted):  # a new process while the form was open
        _, answer = await submit(discord_api, {TIP_FIELD: A_TIP}, user_id=USER_ID)
    assert spy.events == [Command(private(), person(), "tip", f"share {A_TIP}")]
    assert answer.json["type"] == 4


async def test_an_empty_or_odd_form_is_still_the_cores_to_answer(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        for values in ({TIP_FIELD: "   "}, {"stray": "x"}):
            sent = await discord_api.inject_modal_submit(
                FORM_ID, values, user_id=USER_ID, guild_id=GUILD_ID, channel_id=CHANNEL_ID
            )
            assert (await discord_api.wait_for_callback(sent)).status == 200
    assert [e.args for e in spy.events if isinstance(e, Command)] == ["share", "share"]
    assert len(spy.replies()) == 2  # "Write your tip after /tip share ..."


async def test_the_tip_form_speaks_the_clients_language(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    """The form opens in the language of the client that asks for it (`interaction.locale`)."""
    async with running(discord_api, core):
        opened = await discord_api.inject_slash_command(
            "tip", {}, user_id=USER_ID, subcommand="share", locale="es-ES", **IN_GUILD
        )
        form = (await discord_api.wait_for_callback(opened)).json["data"]
        assert form["title"] == "Compartir un consejo"
        assert form["components"][0]["label"] == "Tu consejo, con tus palabras (sin enlaces)"
