"""Community tips through the core: sharing, moderation, thanks, reports, abuse, tip of the day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import ManualClock
from bot.content import ContentLibrary
from bot.core import Knotbot
from bot.messages import BlockKind, ChatRef
from tests.helpers import (
    RecordingOutbox,
    RecordingReplier,
    command,
    dispatcher_for,
    group_chat,
    press,
    run_until,
    user,
)

GROUP = group_chat()
MOD = user("mod", "Mo", moderator=True)
ADA = user("ada", "Ada")
TIP = "Two tennis balls taped together work on the train too: lean back, breathe out, 20 seconds."


async def say(
    bot: Knotbot, clock: ManualClock, text: str, *, who=ADA, chat: ChatRef = GROUP
) -> RecordingReplier:  # type: ignore[no-untyped-def]
    replier = RecordingReplier(clock)
    await bot.handle(command(text, who=who, chat=chat), replier)
    assert replier.sent or replier.notices, f"no answer to {text!r}"
    return replier


def tip_number(replier: RecordingReplier) -> int:
    credit = next(b.title for b in replier.sent[-1].reply.blocks if b.kind is BlockKind.QUOTE)
    return int(credit.split("#")[1].split()[0])


async def test_shared_tip_waits_for_approval_then_shows_everywhere(
    bot: Knotbot, clock: ManualClock
):
    shared = await say(bot, clock, f"/tip share {TIP} area:upper-back")
    assert "waits for a moderator" in shared.last
    number = tip_number(shared)
    assert "taped together" not in (await say(bot, clock, "/tip top")).last

    queue = await say(bot, clock, "/tip pending", who=MOD)
    assert "taped together" in queue.last
    approve = queue.sent[-1].reply.all_buttons[0]
    assert approve.label == f"Approve #{number}"
    decided = RecordingReplier(clock)
    await bot.handle(press(approve.action, who=MOD, chat=GROUP), decided)
    assert decided.last.startswith(f"Approved tip #{number}.")

    top = await say(bot, clock, "/tip top")
    assert "taped together" in top.last and "Ada, for the upper back" in top.last
    assert "not medical advice" in top.last
    assert "taped together" in (await say(bot, clock, "/tip area upper back")).last
    knot = await say(bot, clock, "/knot upper-back")
    assert "From this community" in knot.last and "taped together" in knot.last
    assert "taped together" not in (await say(bot, clock, "/knot jaw")).last


async def test_rejected_tips_stay_hidden(bot: Knotbot, clock: ManualClock):
    number = tip_number(await say(bot, clock, f"/tip share {TIP}"))
    assert (
        f"Rejected tip #{number}." in (await say(bot, clock, f"/tip reject {number}", who=MOD)).last
    )
    assert "taped together" not in (await say(bot, clock, "/tip top")).last


async def test_only_moderators_approve(bot: Knotbot, clock: ManualClock):
    number = tip_number(await say(bot, clock, f"/tip share {TIP}"))
    member = await say(bot, clock, f"/tip approve {number}", who=user("bo", "Bo"))
    assert member.last == "Only moderators can approve, reject or remove tips."
    queue = await say(bot, clock, "/tip pending", who=user("bo", "Bo"))
    assert queue.last == "Only moderators can see tips waiting for review."
    button = RecordingReplier(clock)
    await bot.handle(press(f"ta:{number}", who=user("bo", "Bo"), chat=GROUP), button)
    assert button.notices == ["Only moderators can approve, reject or remove tips."]


async def approved_tip(bot: Knotbot, clock: ManualClock, text: str = TIP) -> int:
    number = tip_number(await say(bot, clock, f"/tip share {text}"))
    await say(bot, clock, f"/tip approve {number}", who=MOD)
    return number


async def test_thanks_count_once_per_person_and_not_for_your_own(bot: Knotbot, clock: ManualClock):
    number = await approved_tip(bot, clock)
    answers = []
    for who in (user("bo"), user("cy"), user("bo")):
        replier = RecordingReplier(clock)
        await bot.handle(press(f"tt:{number}", who=who, chat=GROUP), replier)
        answers += replier.notices
    assert answers == [
        "Thanks sent (1 so far).",
        "Thanks sent (2 so far).",
        "You already thanked this tip.",
    ]
    own = RecordingReplier(clock)
    await bot.handle(press(f"tt:{number}", who=ADA, chat=GROUP), own)
    assert own.notices == ["That's your own tip; others can thank you for it."]
    assert "2 thanks" in (await say(bot, clock, "/tip top")).last


async def test_three_reports_hide_a_tip_for_review(bot: Knotbot, clock: ManualClock):
    number = await approved_tip(bot, clock)
    for who in ("r1", "r2", "r2", "r3"):
        await bot.handle(press(f"tr:{number}", who=user(who), chat=GROUP), RecordingReplier(clock))
    assert "taped together" not in (await say(bot, clock, "/tip top")).last
    queue = await say(bot, clock, "/tip pending", who=MOD)
    assert "Hidden after 3 reports." in queue.last


async def test_sharing_is_rate_limited_and_duplicates_are_refused(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, f"/tip share {TIP}")
    again = await say(bot, clock, "/tip share " + TIP.replace(",", "").upper(), who=user("bo"))
    assert again.last == "This tip is already in this community's collection."
    for i in range(2):
        await say(
            bot, clock, f"/tip share Tip number {i}: lean on the wall gently for twenty seconds."
        )
    fourth = await say(bot, clock, "/tip share One more: breathe out slowly while pressing.")
    assert fourth.last.startswith("You have shared 3 tips today")
    await clock.advance(24 * 3600 + 1)
    assert (
        "waits for a moderator"
        in (await say(bot, clock, "/tip share One more: breathe out slowly while pressing.")).last
    )


async def test_curated_tips_are_a_duplicate_too_and_seed_random(
    bot: Knotbot, clock: ManualClock, content: ContentLibrary
):
    first = await say(bot, clock, "/tip random")
    assert any(t.text in first.last for t in content.curated_tips)
    curated = content.curated_tips[0].text
    assert "already in this community" in (await say(bot, clock, f"/tip share {curated}")).last


async def test_hostile_text_cannot_ping_or_inject_and_limits_are_said(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/tip moderation off", who=MOD)
    shared = await say(
        bot,
        clock,
        "/tip share @everyone @here <b>press</b> **hard** <@&123> \u202egnorts\u200b for 20 seconds",
    )
    text = shared.last
    assert "@everyone" not in text and "@here" not in text
    assert "@\u200beveryone" in text and "<@\u200b&123>" in text
    assert "<b>press</b> **hard**" in text  # kept literally; adapters escape markup
    assert "\u202e" not in text and "\u200b " not in text.replace("@\u200b", "")
    huge = await say(bot, clock, "/tip share " + "x" * 100_000)
    assert huge.last == "Tips can be up to 500 characters; yours has 100,000."
    link = await say(
        bot, clock, "/tip share Buy the best massager at https://spam.example.com today!"
    )
    assert link.last.startswith("Links can't go in tips")
    short = await say(bot, clock, "/tip share hi")
    assert short.last.startswith("A tip needs a few more words")


async def test_members_list_and_delete_their_own_tips(bot: Knotbot, clock: ManualClock):
    number = await approved_tip(bot, clock)
    mine = await say(bot, clock, "/tip mine")
    assert f"#{number}: approved" in mine.last
    delete = mine.sent[-1].reply.all_buttons[0]
    replier = RecordingReplier(clock)
    await bot.handle(press(delete.action, who=user("bo"), chat=GROUP), replier)
    assert replier.notices == ["You can only delete your own tips."]
    await bot.handle(press(delete.action, who=ADA, chat=GROUP), replier)
    assert replier.last == f"Deleted your tip #{number}."
    assert "taped together" not in (await say(bot, clock, "/tip top")).last


async def test_moderation_off_shows_tips_at_once_and_removal_by_moderators(
    bot: Knotbot, clock: ManualClock
):
    assert "only moderators" in (await say(bot, clock, "/tip moderation off")).last.lower()
    await say(bot, clock, "/tip moderation off", who=MOD)
    shared = await say(bot, clock, f"/tip share {TIP}")
    assert shared.last.startswith("Shared, thank you!")
    number = tip_number(shared)
    assert [b.label for b in shared.sent[-1].reply.all_buttons] == [
        f"Thanks #{number}",
        f"Report #{number}",
    ]
    assert (
        f"Removed tip #{number}." in (await say(bot, clock, f"/tip remove {number}", who=MOD)).last
    )
    assert "taped together" not in (await say(bot, clock, "/tip top")).last


async def test_tips_outside_a_community(bot: Knotbot, clock: ManualClock, content: ContentLibrary):
    from tests.helpers import private_chat

    dm = private_chat("ada")
    share = await say(bot, clock, f"/tip share {TIP}", chat=dm)
    assert share.last.startswith("Tips are shared in a community")
    random = await say(bot, clock, "/tip random", chat=dm)
    assert any(t.text in random.last for t in content.curated_tips)
    assert not random.sent[-1].reply.all_buttons


async def test_tip_of_the_day_posts_once_a_day_at_the_local_time(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/timezone here Europe/Lisbon", who=MOD)
    member = await say(bot, clock, "/tip daily 09:30")
    assert member.last == "Only moderators can set up the tip of the day."
    made = await say(bot, clock, "/tip daily 09:30", who=MOD)
    assert "every day at 09:30 (Europe/Lisbon)" in made.last
    outbox = RecordingOutbox(clock)
    dispatcher = dispatcher_for(bot, outbox)
    await run_until(clock, dispatcher, clock.now() + timedelta(days=3))
    posted = [d for d in outbox.sent if d.text.startswith("Tip of the day")]
    assert [d.at.astimezone(ZoneInfo("Europe/Lisbon")).strftime("%d %H:%M") for d in posted] == [
        "02 09:30",
        "03 09:30",
        "04 09:30",
    ]
    assert all(d.chat.chat_id == GROUP.chat_id for d in posted)
    texts = [d.reply.blocks[1].lines[0] for d in posted]
    assert len(set(texts)) == 3  # a different tip each day
    assert "The tip of the day is off." in (await say(bot, clock, "/tip daily off", who=MOD)).last
    assert datetime(2026, 3, 2, tzinfo=UTC) < posted[0].at
