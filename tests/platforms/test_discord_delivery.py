"""How a message goes out on Discord through the outbox: DMs and channel posts with their
buttons, a nonce that makes a retried send one message, rate limits waited out, closed DMs
read as a recipient who is gone, and long replies split at block boundaries.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from adapters.discord.delivery import LiveInteractions
from bot.actions import ReminderDone, SnoozeReminder, StopReminder, button, decode
from bot.core import Knotbot
from bot.messages import (
    Button,
    ButtonStyle,
    ChatKind,
    ChatRef,
    ReplyBuilder,
    bullets,
    heading,
    text,
)
from bot.outbox import RecipientGone
from tests.platforms.discord_user import (
    CHANNEL_ID,
    GUILD_ID,
    USER_ID,
    as_sent,
    buttons,
    channel,
    components_of,
    private,
    running,
    shown,
)
from tests.standins.discord_api import DiscordStandIn


def reminder() -> ReplyBuilder:
    return (
        ReplyBuilder()
        .add(text("Time to let your shoulders drop, @everyone."))
        .row(
            button("Done", ReminderDone(1), ButtonStyle.PRIMARY),
            button("Snooze", SnoozeReminder(1)),
            button("Stop these", StopReminder(1), ButtonStyle.DANGER),
        )
    )


async def test_outbox_sends_a_dm_with_buttons_and_a_nonce_once(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    reply = reminder().build(private=False)
    async with running(discord_api, core) as app:
        ref = await app.outbox.send(private(), reply, key="occ-42")
        opened = await discord_api.wait_for("POST", r"/users/@me/channels")
        dm = discord_api.dm_channel_id(USER_ID)
        post = await discord_api.wait_for("POST", rf"/channels/{dm}/messages")
        again = await app.outbox.send(private(), reply, key="occ-42")
        message = discord_api.message(int(ref.message_id))
        shown_buttons, shown_text = buttons(message), message.content
        await app.outbox.edit(ref, ReplyBuilder().add(text("Nice.")).build())
    assert opened.json == {"recipient_id": USER_ID}
    assert (post.json["nonce"], post.json["enforce_nonce"]) == ("occ-42", True)
    assert post.json["allowed_mentions"] == {"parse": []}
    assert ref.chat_id == str(dm)
    assert post.json["components"] == components_of(reply)
    assert [decode(c) for _, c, _ in shown_buttons] == [
        ReminderDone(1),
        SnoozeReminder(1),
        StopReminder(1),
    ]
    assert [style for _, _, style in shown_buttons] == [1, 2, 4]  # primary, grey, red
    assert [shown_text] == as_sent(reply) and "@\u200beveryone" in shown_text  # pings nobody
    assert again.message_id == ref.message_id  # a retried send is not a second message
    assert dm is not None and len(discord_api.messages_in(dm)) == 1
    assert message.content == "Nice." and message.components == []


async def test_a_rate_limited_channel_post_is_retried_and_arrives(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    route = rf"/channels/{CHANNEL_ID}/messages"
    discord_api.fail_next("POST", route, status=429, retry_after=0.3)
    reply = reminder().build(private=False)
    async with running(discord_api, core) as app:
        ref = await app.outbox.send(channel(), reply, key="occ-43")
    first, second = discord_api.calls_matching("POST", route)
    assert (first.status, second.status) == (429, 200)
    assert [shown(discord_api.message(int(ref.message_id)))] == as_sent(reply)


async def test_closed_dms_make_the_outbox_say_the_recipient_is_gone(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    discord_api.set_dms_closed(USER_ID)
    async with running(discord_api, core) as app:
        with pytest.raises(RecipientGone, match="50007"):
            await app.outbox.send(private(), reminder().build(), key="occ-44")


async def test_a_long_reply_is_split_at_block_boundaries_with_buttons_last(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    builder = ReplyBuilder()
    for n in range(12):
        builder.add(heading(f"Part {n}"), bullets([f"line {n}.{i} " + "x" * 60 for i in range(9)]))
    reply = builder.row(Button("More", "help")).build()
    async with running(discord_api, core) as app:
        await app.outbox.send(
            ChatRef("discord", str(CHANNEL_ID), ChatKind.COMMUNITY, str(GUILD_ID)), reply
        )
    posted = discord_api.messages_in(CHANNEL_ID)
    assert len(posted) == 2
    assert all(not m.content and len(m.embeds) == 1 for m in posted)
    descriptions = [m.embeds[0]["description"] for m in posted]
    assert descriptions == as_sent(reply)
    assert all(len(d) <= 4096 for d in descriptions)
    assert all(d.startswith("**Part ") for d in descriptions)  # split before a heading
    assert "**Part 11**" in descriptions[-1]
    assert [m.custom_ids() for m in posted] == [[], ["help"]]


def test_interactions_kept_for_later_edits_are_forgotten_when_their_token_expires() -> None:
    live = LiveInteractions()
    now = datetime.now(UTC)
    expired = SimpleNamespace(token="old", created_at=now - timedelta(minutes=16))
    fresh = SimpleNamespace(token="new", created_at=now - timedelta(minutes=1))
    live.add(expired)  # type: ignore[arg-type]
    live.add(fresh)  # type: ignore[arg-type]
    assert live.get("old") is None and live.get("new") is fresh


def test_no_masked_link_survives_escaping() -> None:
    """Issue "Trust boundaries" 9: the second of two masked links survived escape_markdown."""
    import re

    from adapters.discord import render
    from bot.messages import Reply, quote, text

    said = "a [one](https://a.co) and [CURE](https://x.co) then \\[two](https://b.co)"
    reply = Reply((text(said), quote(said, "[Ann](https://x.co)")))
    markdown = "\n".join(m.text for m in render.layout(reply))
    # A masked link is "[...](" whose "[" is not escaped (an odd number of backslashes).
    live = re.findall(r"(?<!\\)(?:\\\\)*\[[^\]]*\]\(", markdown)
    assert not live, markdown
