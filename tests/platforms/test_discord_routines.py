"""A person's own routine on Discord, through the real discord.py client and the stand-in:
`/routine new` without text opens the routine form (Discord reads no plain messages, so the
form asks everything at once); its submission reaches the core as `/routine new` with the
fields as options, the card arrives with its standing caution, and its Start button runs the
routine as a guided hold in one message, which Stop stops.
"""

from __future__ import annotations

from typing import Any

from adapters.discord.routine_form import FORM_ID, PREFIX
from bot.actions import RoutineControl, RoutineOp, decode
from bot.core import Knotbot
from bot.messages import Command
from tests.helpers import eventually
from tests.platforms.discord_user import IN_GUILD, USER_ID, channel, person, running, shown
from tests.platforms.spy import spy_on
from tests.platforms.test_discord_holds import hold_history, stop_button
from tests.shortholds import QUICK
from tests.standins.discord_api import DiscordStandIn

OWN_PLAN = "This is your own plan"


def fields(form: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        top["component"]["custom_id"]: {**top["component"], "label": top["label"]}
        for top in form["components"]
    }


async def test_routine_form_creates_a_routine_whose_start_button_runs_it(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core, QUICK):
        opened = await discord_api.inject_slash_command(
            "routine", {}, user_id=USER_ID, subcommand="new", **IN_GUILD
        )
        callback = await discord_api.wait_for_callback(opened)
        assert callback.json["type"] == 9  # the form, not an answer
        form = fields(callback.json["data"])
        assert form[PREFIX + "timing"]["placeholder"] == "hold 5 s, 10 times"
        assert [o["value"] for o in form[PREFIX + "area"]["options"]][:2] == [
            "upper-back",
            "shoulders",
        ]
        values = {
            PREFIX + "name": "chin tucks",
            PREFIX + "steps": "Sit tall. Pull your chin straight back.",
            PREFIX + "timing": "hold 5 s, 2 times",
            PREFIX + "area": ["neck"],
        }
        sent = await discord_api.inject_modal_submit(FORM_ID, values, user_id=USER_ID, **IN_GUILD)
        answer = await discord_api.wait_for_callback(sent)
        assert answer.status == 200, answer.response
        card = discord_api.original_response(sent)
        assert card is not None
        said = shown(card)
        assert "Saved: your routine \u201cchin tucks\u201d" in said and OWN_PLAN in said
        assert card.ephemeral  # personal, in a server
        start = next(c for c in card.custom_ids() if isinstance(decode(c), RoutineControl))
        action = decode(start)
        assert isinstance(action, RoutineControl) and action.op is RoutineOp.START

        pressed = await discord_api.inject_button(start, card.id, user_id=USER_ID)
        assert (await discord_api.wait_for_callback(pressed)).status == 200
        await eventually(lambda: bool(core.services.holds.active))
        hold = discord_api.original_response(pressed)
        assert hold is not None
        assert "chin tucks" in shown(hold) and OWN_PLAN in shown(hold)
        stop = await discord_api.inject_button(stop_button(hold), hold.id, user_id=USER_ID)
        await discord_api.wait_for_callback(stop)
        history = await hold_history(core)
    assert [(h.technique_id.startswith("routine-"), h.status) for h in history] == [
        (True, "stopped")
    ]
    form_event = next(e for e in spy.events if isinstance(e, Command))
    assert form_event == Command(
        channel(),
        person(),
        "routine",
        "new",
        {
            "name": "chin tucks",
            "steps": "Sit tall. Pull your chin straight back.",
            "timing": "hold 5 s, 2 times",
            "area": "neck",
        },
    )


async def test_routine_new_with_its_line_goes_straight_to_the_core(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with running(discord_api, core):
        inj = await discord_api.inject_slash_command(
            "routine",
            {"routine": "doorway stretch: 30 s, 3 rounds", "area": "shoulders"},
            user_id=USER_ID,
            subcommand="new",
            **IN_GUILD,
        )
        callback = await discord_api.wait_for_callback(inj)
        card = discord_api.original_response(inj)
    assert callback.json["type"] == 4
    assert spy.events == [
        Command(
            channel(),
            person(),
            "routine",
            "new doorway stretch: 30 s, 3 rounds",
            {"area": "shoulders"},
        )
    ]
    assert card is not None and "Saved: your routine \u201cdoorway stretch\u201d" in shown(card)


async def test_a_german_client_gets_the_routine_form_and_its_card_in_german(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    """The form's words come from the core in the client's language (`interaction.locale`),
    and what is typed into it in German is understood."""
    async with running(discord_api, core, QUICK):
        opened = await discord_api.inject_slash_command(
            "routine", {}, user_id=USER_ID, subcommand="new", locale="de", **IN_GUILD
        )
        callback = await discord_api.wait_for_callback(opened)
        assert callback.json["data"]["title"] == "Deine eigene Übungsfolge"
        form = fields(callback.json["data"])
        assert form[PREFIX + "name"]["label"] == "Wie heißt sie?"
        assert form[PREFIX + "timing"]["label"] == "Wie lange, und wie oft?"
        assert form[PREFIX + "timing"]["placeholder"] == "5 s halten, 10 Mal"
        values = {
            PREFIX + "name": "Kinn einziehen",
            PREFIX + "timing": "5 s halten, 10 Wiederholungen",
            PREFIX + "area": ["neck"],
        }
        sent = await discord_api.inject_modal_submit(
            FORM_ID, values, user_id=USER_ID, locale="de", **IN_GUILD
        )
        await discord_api.wait_for_callback(sent)
        card = discord_api.original_response(sent)
        assert card is not None
        said = shown(card)
        assert "Gespeichert: deine Übungsfolge „Kinn einziehen“." in said
        assert "Nacken · 10 Runden: 5 s halten" in said
