"""Discord shows reminder times natively (issue 14, item 7): the core hands the adapter a moment,
not a string, and Discord shows it as its own timestamps (`<t:UNIX:t> (<t:UNIX:R>)`), so each
reader sees their own local time and a live "in 2 hours". Telegram and the console show the
core's words for it ("tomorrow 09:00"), as before. Words a person typed never become a live
timestamp.

The real discord.py and python-telegram-bot clients run against their stand-ins; the console
runs as a process. Expected timestamps come from the reminders as stored, not from the renderer.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.actions import SnoozeReminder, encode
from bot.core import Knotbot
from bot.reminders.describe import moment_text
from bot.reminders.parse import ReminderRequest
from bot.reminders.schedule import Schedule, ScheduleKind
from bot.storage import Database
from tests.platforms import discord_user as on_discord
from tests.platforms import telegram_user as on_telegram
from tests.platforms.reminders import (
    an_hour_ago,
    deliveries,
    remind_daily,
    remind_once,
    snoozes_of,
)
from tests.platforms.spy import Way, spy_on
from tests.standins.discord_api import DiscordStandIn
from tests.standins.telegram_api import TelegramStandIn
from tests.test_console import console

DAY = 24 * 3600
# A timestamp Discord would show live: "<t:" after an even number of backslashes (none, or
# escaped backslashes), with or without a style letter.
LIVE = re.compile(r"(?<!\\)(?:\\\\)*<t:(-?\d+)(?::([A-Za-z]))?>")
# What people might type to make the bot show a timestamp, or Discord's other "<...>" tokens.
HOSTILE_WORDS = ["<t:0:R>", "<t:0>", "**<t:0:F>** <#910000000000000002> </remind:1>"]
ESCAPED = ["\\<t:0:r>", "\\<t:0>", "\\*\\*\\<t:0:f>\\*\\*"]  # as kept (lower case), escaped


def live(markdown: str) -> list[tuple[int, str]]:
    """The timestamps Discord would render in `markdown`: (unix time, style)."""
    return [(int(unix), style) for unix, style in LIVE.findall(markdown)]


def unix(at: datetime) -> int:
    """Seconds since the epoch, as a stored time (naive from some databases: UTC) says it."""
    return int((at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp())


def soon_and_live(at: datetime) -> str:
    """A moment within the next day as Discord should show it: time of day, then "in 5 hours"."""
    return f"<t:{unix(at)}:t> (<t:{unix(at)}:R>)"


def dated_and_live(at: datetime) -> str:
    """A moment further off: date and time, then "in 3 days"."""
    return f"<t:{unix(at)}:f> (<t:{unix(at)}:R>)"


def in_words(at: datetime, zone: ZoneInfo, before: datetime, after: datetime) -> set[str]:
    """How the core words `at` for a reply made between `before` and `after` (midnight may
    fall in between)."""
    return {moment_text(at, zone, before), moment_text(at, zone, after)}


# -- Discord: the reader's own time ---------------------------------------------------------


async def test_remind_on_discord_confirms_the_first_time_as_a_live_discord_timestamp(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with on_discord.running(discord_api, core):
        said = {"when": f"stretch daily at {an_hour_ago()}"}
        message = await on_discord.slash(discord_api, "remind", said, guild=False)
        listed = await core.services.reminders.list_for(on_discord.person(), on_discord.private())
    (reminder,) = listed.mine
    assert reminder.next_due is not None
    assert f"The first one comes {soon_and_live(reminder.next_due)}." in message.content
    assert live(message.content) == [(unix(reminder.next_due), "t"), (unix(reminder.next_due), "R")]
    (reply,) = spy.replies()
    assert [on_discord.shown(message)] == on_discord.as_sent(reply)
    (moment,) = spy.moments()
    assert moment.at == reminder.next_due


async def test_reminders_on_discord_list_each_next_time_as_a_timestamp_with_a_date_when_far(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with on_discord.running(discord_api, core):
        daily = await remind_daily(core, on_discord.person(), on_discord.private(), an_hour_ago())
        later = await remind_once(core, on_discord.person(), on_discord.private(), 3 * DAY)
        message = await on_discord.slash(discord_api, "reminders", guild=False)
    assert daily.next_due is not None and later.next_due is not None
    lines = message.content.splitlines()
    (daily_line,) = [line for line in lines if line.startswith(f"- \\#{daily.id} ")]
    (later_line,) = [line for line in lines if line.startswith(f"- \\#{later.id} ")]
    assert daily_line.endswith(f"\u00b7 next {soon_and_live(daily.next_due)}")
    assert later_line.endswith(f"\u00b7 next {dated_and_live(later.next_due)}")
    assert [on_discord.shown(message)] == on_discord.as_sent(spy.replies()[-1])


async def test_quiet_time_in_the_discord_list_is_a_timestamp_too(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    async with on_discord.running(discord_api, core):
        await remind_daily(core, on_discord.person(), on_discord.private(), an_hour_ago())
        await on_discord.slash(discord_api, "quiet", {"how_long": "for 3 hours"}, guild=False)
        message = await on_discord.slash(discord_api, "reminders", guild=False)
        listed = await core.services.reminders.list_for(on_discord.person(), on_discord.private())
    assert listed.quiet_until is not None
    assert f"*Quiet until {soon_and_live(listed.quiet_until)} (/quiet off ends it).*" in (
        message.content
    )


async def test_snooze_on_discord_says_until_when_as_a_timestamp_and_the_list_agrees(
    discord_api: DiscordStandIn, core: Knotbot, db: Database
) -> None:
    spy = spy_on(core)
    async with on_discord.running(discord_api, core):
        reminder = await remind_once(core, on_discord.person(), on_discord.private(), 0.5)
        post = await discord_api.wait_for("POST", r"/channels/\d+/messages")
        delivered = discord_api.message(int(post.response["id"]))
        (delivery,) = await deliveries(db, reminder.id)
        press = await discord_api.inject_button(
            encode(SnoozeReminder(delivery.id)), delivered.id, user_id=on_discord.USER_ID
        )
        callback = await discord_api.wait_for_callback(press)
        listed = await on_discord.slash(discord_api, "reminders", guild=False)
    (copy,) = await snoozes_of(db, reminder.id)
    assert copy.next_due_at is not None
    snoozed = callback.json["data"]["content"]
    assert f"Snoozed until {soon_and_live(copy.next_due_at)}. /reminders shows it." in snoozed
    assert [snoozed] == on_discord.as_sent(spy.replies(Way.UPDATE)[0])
    assert f"snoozed until {soon_and_live(copy.next_due_at)}" in listed.content


async def test_a_timestamp_typed_as_reminder_words_is_shown_as_typed_never_live(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with on_discord.running(discord_api, core):
        confirmations = [
            await on_discord.slash(discord_api, "remind", {"when": f"{words} every hour"})
            for words in HOSTILE_WORDS
        ]
        message = await on_discord.slash(discord_api, "reminders")
        listed = await core.services.reminders.list_for(on_discord.person(), on_discord.channel())
    assert [e.args for e in spy.events][: len(HOSTILE_WORDS)] == [
        f"{words} every hour" for words in HOSTILE_WORDS
    ]
    due = {unix(r.next_due) for r in listed.mine if r.next_due is not None}
    assert len(listed.mine) == len(HOSTILE_WORDS)
    for confirmation, typed in zip(confirmations, ESCAPED, strict=True):
        assert typed in confirmation.content and typed in message.content  # shown as typed
    for shown in [*(m.content for m in confirmations), message.content]:
        assert {at for at, _ in live(shown)} <= due  # only the core's own moments are live
        assert not re.search(r"(?<!\\)(?:\\\\)*<[#/]", shown)  # no channel, no command
    assert len(live(message.content)) == 2 * len(HOSTILE_WORDS)  # time + "in ..." for each
    assert [m.content for m in confirmations] == [
        on_discord.as_sent(r)[0] for r in spy.replies()[: len(HOSTILE_WORDS)]
    ]


async def test_a_full_page_of_reminders_on_discord_still_fits_one_message(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    words = "unclench your jaw, drop your shoulders and breathe out slowly before the next call"
    person, chat = on_discord.person(), on_discord.private()
    start = datetime.now(UTC) - timedelta(hours=1)
    async with on_discord.running(discord_api, core):
        for minutes in range(8):  # a page: 8 reminders, the longest words kept
            at = (start + timedelta(minutes=minutes)).time().replace(second=0, microsecond=0)
            schedule = Schedule(ScheduleKind.DAILY, times=(at,))
            request = ReminderRequest("relax", schedule, shared=False, words=words[:80])
            await core.services.reminders.create(person, chat, request)
        message = await on_discord.slash(discord_api, "reminders", guild=False)
    assert len(message.content) <= 2000 and not message.embeds
    assert len(live(message.content)) == 16


async def test_a_page_of_the_longest_reminder_lines_is_still_one_message_with_whole_timestamps(
    discord_api: DiscordStandIn, core: Knotbot
) -> None:
    person, chat = on_discord.person(), on_discord.private()
    async with on_discord.running(discord_api, core):
        await core.services.reminders.set_timezone(person, "America/Argentina/ComodRivadavia")
        for hour in range(8):  # every character of the words escaped: twice as long
            schedule = Schedule(
                ScheduleKind.INTERVAL,
                every_minutes=150,
                window_start=time(hour),
                window_end=time(hour + 12),
                weekdays=frozenset({0, 1, 2, 3, 5}),
            )
            request = ReminderRequest("relax", schedule, shared=False, words="*_" * 40)
            await core.services.reminders.create(person, chat, request)
        message = await on_discord.slash(discord_api, "reminders", guild=False)
        listed = await core.services.reminders.list_for(person, chat)
    shown = on_discord.shown(message)
    assert len(message.content) <= 2000 and all(
        len(e["description"]) <= 4096 for e in message.embeds
    )
    due = sorted(unix(r.next_due) for r in listed.mine if r.next_due is not None)
    assert sorted(at for at, style in live(shown) if style == "R") == due  # none cut in half


# -- Telegram and the console: the core's words ---------------------------------------------


async def test_remind_and_reminders_on_telegram_show_the_time_in_words(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    spy = spy_on(core)
    async with on_telegram.running(tg, core):
        before = datetime.now(UTC)
        confirmed = await on_telegram.ask(tg, f"/remind stretch daily at {an_hour_ago()}")
        listed = await on_telegram.ask(tg, "/reminders")
        after = datetime.now(UTC)
        found = await core.services.reminders.list_for(on_telegram.person(), on_telegram.private())
    (reminder,) = found.mine
    assert reminder.next_due is not None
    first, in_list = spy.moments(Way.REPLY)
    assert first.at == in_list.at == reminder.next_due
    assert first.text in in_words(reminder.next_due, reminder.zone, before, after)
    assert re.fullmatch(r"(today|tomorrow) \d\d:\d\d", first.text)
    assert confirmed.text is not None and listed.text is not None
    assert f"The first one comes {first.text}." in confirmed.text
    assert f"\u00b7 next {in_list.text}" in listed.text
    confirmation, listing = spy.replies(Way.REPLY)
    assert [confirmed.raw_text, listed.raw_text] == [
        *on_telegram.as_sent(confirmation),
        *on_telegram.as_sent(listing),
    ]
    sent = (confirmed.raw_text or "") + (listed.raw_text or "")
    assert "<t:" not in sent and "&lt;t:" not in sent


def test_remind_and_reminders_in_the_console_show_the_time_in_words(tmp_path: Path) -> None:
    at = an_hour_ago()
    result = console(tmp_path, f"/remind stretch daily at {at}\n/reminders\n")
    assert result.returncode == 0, result.stderr
    assert re.search(rf"The first one comes (today|tomorrow) {at}\.", result.stdout)
    assert re.search(rf"\u00b7 next (today|tomorrow) {at}", result.stdout)
    assert "<t:" not in result.stdout


async def test_a_hostile_timestamp_on_telegram_is_just_text(
    tg: TelegramStandIn, core: Knotbot
) -> None:
    async with on_telegram.running(tg, core):
        confirmed = await on_telegram.ask(tg, "/remind <t:0:R> every hour")
    assert confirmed.text is not None and "\u201c<t:0:r>\u201d" in confirmed.text
    assert "&lt;t:0:r&gt;" in (confirmed.raw_text or "")
