"""/export, /forget and /progress as a person uses them."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy import func, select

from bot.clock import ManualClock
from bot.core import Knotbot
from bot.progress import collect
from bot.storage.schema import HoldSession, Reminder, Tip, User
from tests.helpers import RecordingReplier, command, group_chat, press, private_chat, user

ADA = user("ada", "Ada")
DM = private_chat("ada")
GROUP = group_chat()
MOD = user("mod", "Mo", moderator=True)


async def say(bot: Knotbot, clock: ManualClock, text: str, *, who=ADA, chat=DM) -> RecordingReplier:  # type: ignore[no-untyped-def]
    replier = RecordingReplier(clock)
    await bot.handle(command(text, who=who, chat=chat), replier)
    return replier


async def hold_to_the_end(bot: Knotbot, clock: ManualClock, what: str) -> None:
    replier = RecordingReplier(clock)
    bot.services.holds.attach("memory", replier)  # the platform: it records the hold's edits
    await bot.handle(command(f"/hold {what}", who=ADA, chat=DM), replier)
    (active,) = bot.services.holds.active
    await clock.run_until(active.task)
    assert "Done" in replier.edits[-1].text


async def some_history(bot: Knotbot, clock: ManualClock) -> None:
    await say(bot, clock, "/timezone Europe/Berlin")
    await say(bot, clock, "/remind every 2 hours from 9 to 18")
    await hold_to_the_end(bot, clock, "upper-back")
    await clock.advance(86400)
    await hold_to_the_end(bot, clock, "jaw")
    await say(bot, clock, "/tip moderation off", who=MOD, chat=GROUP)
    await say(
        bot,
        clock,
        "/tip share Lean on a tennis ball in a sock for twenty seconds, then breathe.",
        chat=GROUP,
    )


async def test_export_sends_everything_stored_as_json(bot: Knotbot, clock: ManualClock):
    await some_history(bot, clock)
    replier = await say(bot, clock, "/export")
    reply = replier.sent[-1].reply
    assert reply.attachment is not None and reply.attachment.filename == "knotbot-export.json"
    data = json.loads(reply.attachment.data)
    assert data["user"]["timezone"] == "Europe/Berlin"
    assert [h["technique_id"] for h in data["holds"]] == ["ball-wall", "jaw-release"]
    assert len(data["reminders"]) == 1 and "every_minutes" in data["reminders"][0]["schedule"]
    assert data["tips"][0]["text"].startswith("Lean on a tennis ball")
    in_group = await say(bot, clock, "/export", chat=GROUP)
    assert in_group.last == "Send me /export in a private chat, so that it stays between us."


async def count(bot: Knotbot, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with bot.services.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_forget_asks_first_then_deletes_everything_and_keeps_tips_anonymously(
    bot: Knotbot, clock: ManualClock
):
    await some_history(bot, clock)
    await say(bot, clock, "/remind here daily at 15:00 stretch", who=MOD, chat=GROUP)
    asked = await say(bot, clock, "/forget")
    assert "cannot be undone" in asked.last and "the history of your 2 guided hold(s)" in asked.last
    labels = [b.label for b in asked.sent[-1].reply.all_buttons]
    assert labels == [
        "Forget me, keep my tips anonymously",
        "Forget me and delete my tips",
        "Cancel",
    ]
    assert await count(bot, User, User.platform_user_id == "ada") == 1  # nothing happened yet

    cancel = RecordingReplier(clock)
    await bot.handle(press(asked.sent[-1].reply.all_buttons[2].action, who=ADA, chat=DM), cancel)
    assert cancel.last == "Nothing was deleted."
    assert await count(bot, User, User.platform_user_id == "ada") == 1

    done = RecordingReplier(clock)
    await bot.handle(press(asked.sent[-1].reply.all_buttons[0].action, who=ADA, chat=DM), done)
    assert done.last.startswith("Done: I have forgotten you.")
    assert await count(bot, User, User.platform_user_id == "ada") == 0
    assert await count(bot, HoldSession) == 0
    assert await count(bot, Reminder, Reminder.community_id.is_(None)) == 0
    assert await count(bot, Reminder, Reminder.community_id.is_not(None)) == 1  # the moderator's
    async with bot.services.db.session() as session:
        tip = await session.scalar(select(Tip).where(Tip.curated.is_(False)))
    assert tip is not None and tip.author_name == "a former member" and tip.author_id is None
    top = await say(bot, clock, "/tip top", chat=GROUP)
    assert "a former member" in top.last and "Ada" not in top.last


async def test_forget_can_delete_tips_too(bot: Knotbot, clock: ManualClock):
    await some_history(bot, clock)
    asked = await say(bot, clock, "/forget")
    replier = RecordingReplier(clock)
    await bot.handle(press(asked.sent[-1].reply.all_buttons[1].action, who=ADA, chat=DM), replier)
    assert await count(bot, Tip, Tip.curated.is_(False)) == 0
    assert "nothing to forget" in (await say(bot, clock, "/forget")).last


async def test_progress_draws_the_last_weeks_and_says_it_in_a_line(
    bot: Knotbot, clock: ManualClock
):
    await some_history(bot, clock)
    from tests.helpers import RecordingOutbox, dispatcher_for, run_until

    outbox = RecordingOutbox(clock)
    dispatcher = dispatcher_for(bot, outbox)
    await run_until(clock, dispatcher, clock.now() + timedelta(hours=12))
    for delivered in outbox.sent[:3]:
        await bot.handle(
            press(delivered.reply.all_buttons[0].action, who=ADA, chat=DM), RecordingReplier(clock)
        )

    replier = await say(bot, clock, "/progress")
    reply = replier.sent[-1].reply
    assert replier.last.startswith(
        "Last 4 weeks: 2 holds (upper back 1, jaw 1), 3 reminders done. Streak: 2 days."
    )
    assert reply.attachment is not None and reply.attachment.media_type == "image/png"
    image = Image.open(io.BytesIO(reply.attachment.data))
    assert image.size == (720, 360)
    colours = {c for _, c in image.convert("RGB").getcolors(maxcolors=100_000)}
    assert (0, 114, 178) in colours and (204, 121, 167) in colours  # upper back and jaw bars


async def test_progress_with_nothing_yet(bot: Knotbot, clock: ManualClock):
    replier = await say(bot, clock, "/progress")
    assert replier.last.startswith("Last 4 weeks: 0 holds, 0 reminders done. Streak: 0 days.")
    assert replier.sent[-1].reply.attachment is None


def test_days_and_streaks_follow_the_persons_zone():
    tokyo = ZoneInfo("Asia/Tokyo")
    late = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # already 2 March in Tokyo
    found = collect(
        [(late, "jaw"), (late - timedelta(days=1), "jaw")],
        [late + timedelta(days=1)],
        tokyo,
        date(2026, 3, 3),
    )
    assert sorted(found.holds) == [date(2026, 3, 1), date(2026, 3, 2)]
    assert found.streak(date(2026, 3, 3)) == 3
    assert found.streak(date(2026, 3, 5)) == 0
