"""Attacks on trust boundaries, tried as an attacker would, each shown refused or harmless.

Each test names the finding it reproduces (issue "Trust boundaries", items 1-12). Forged
buttons are built the way a modified client sends them: any id, from any chat.
"""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func, select

from bot import actions as a
from bot.clock import ManualClock
from bot.context import Outcome
from bot.core import Knotbot
from bot.messages import ChatRef, UserRef
from bot.settings import Settings
from bot.storage.schema import Reminder, ReminderDone, Tip
from tests.helpers import (
    RecordingOutbox,
    RecordingReplier,
    command,
    dispatcher_for,
    group_chat,
    press,
    private_chat,
    run_until,
    user,
)

GROUP_A = group_chat("gA", "cA")
GROUP_B = group_chat("gB", "cB")
MOD_A = user("moda", "Ann", moderator=True)
MOD_B = user("modb", "Bea", moderator=True)
ADA = user("ada", "Ada")


async def say(
    bot: Knotbot, clock: ManualClock, text: str, who: UserRef, chat: ChatRef
) -> RecordingReplier:
    replier = RecordingReplier(clock)
    await bot.handle(command(text, who=who, chat=chat), replier)
    return replier


async def pressed(
    bot: Knotbot, clock: ManualClock, action: a.Action | str, who: UserRef, chat: ChatRef
) -> tuple[Outcome, RecordingReplier]:
    replier = RecordingReplier(clock)
    outcome = await bot.handle(press(action, who=who, chat=chat), replier)
    return outcome, replier


async def reminder_row(bot: Knotbot, reminder_id: int) -> Reminder | None:
    async with bot.services.db.transaction() as tx:
        return await tx.reminders.get(reminder_id)


# 1. A moderator of group B controls group A's shared reminder with forged buttons.
async def test_a_moderator_of_another_group_cannot_touch_this_groups_reminders(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/tip daily 09:00", MOD_A, GROUP_A)
    shared = (await bot.services.reminders.list_for(MOD_A, GROUP_A)).shared
    (tip_of_the_day,) = shared
    before = await reminder_row(bot, tip_of_the_day.id)
    assert before is not None
    snapshot = (before.status, before.schedule, before.kind, before.next_due_at)
    forged = [
        a.ReminderControl(a.ReminderOp.PAUSE, tip_of_the_day.id),
        a.ReminderControl(a.ReminderOp.RESUME, tip_of_the_day.id),
        a.ReminderControl(a.ReminderOp.DELETE, tip_of_the_day.id),
        a.StopReminder(tip_of_the_day.id),
    ]
    for action in forged:
        outcome, replier = await pressed(bot, clock, action, MOD_B, GROUP_B)
        assert outcome is Outcome.REFUSED, (action, replier.notices)
        assert replier.notices == ["That reminder belongs to another chat."]
    changed = await say(
        bot, clock, f"/remind change {tip_of_the_day.id} every 15 minutes from 0:00 to 23:45",
        MOD_B, GROUP_B,
    )  # fmt: skip
    assert changed.last == "That reminder belongs to another chat."
    after = await reminder_row(bot, tip_of_the_day.id)
    assert after is not None
    assert (after.status, after.schedule, after.kind, after.next_due_at) == snapshot


async def test_a_moderator_cannot_snooze_another_groups_reminder_from_its_message(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/remind here in 5 min stretch break", MOD_A, GROUP_A)
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=6))
    (posted,) = outbox.sent
    done = a.decode(posted.reply.all_buttons[0].action)
    assert isinstance(done, a.ReminderDone)
    outcome, _ = await pressed(bot, clock, a.SnoozeReminder(done.delivery_id), MOD_B, GROUP_B)
    assert outcome is Outcome.REFUSED
    outcome, _ = await pressed(bot, clock, done, MOD_B, GROUP_B)  # not a member of group A
    assert outcome is Outcome.REFUSED
    async with bot.services.db.transaction() as tx:
        assert await tx.session.scalar(select(func.count()).select_from(ReminderDone)) == 0
        assert await tx.reminders.count_for_community(1) == 0  # no snoozed copy


async def test_changing_a_reminder_keeps_its_kind_unless_the_words_name_one(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/tip daily 09:00", MOD_A, GROUP_A)
    (tip_of_the_day,) = (await bot.services.reminders.list_for(MOD_A, GROUP_A)).shared
    refused = await say(bot, clock, f"/remind change {tip_of_the_day.id} at 10:00", MOD_A, GROUP_A)
    assert "tip of the day" in refused.last and "/tip daily" in refused.last
    row = await reminder_row(bot, tip_of_the_day.id)
    assert row is not None and row.kind == "tip-of-the-day"


# 2. No caps where it matters.
async def test_a_community_cannot_pile_up_shared_reminders(bot: Knotbot, clock: ManualClock):
    limit = bot.services.settings.max_shared_reminders_per_community
    for minute in range(limit):
        made = await say(
            bot, clock, f"/remind here daily at 10:{minute:02d} stretch", MOD_A, GROUP_A
        )
        assert made.last.startswith("Set:"), made.last
    refused = await say(bot, clock, "/remind here daily at 11:00 stretch", MOD_A, GROUP_A)
    assert refused.last == (
        f"This community has {limit} shared reminders already; "
        "a moderator can delete one in /reminders first."
    )


async def test_every_path_counts_towards_a_persons_reminders(bot: Knotbot, clock: ManualClock):
    dm = private_chat("ada")
    limit = bot.services.settings.max_reminders_per_person
    for i in range(limit):
        await say(bot, clock, f"/remind in {i + 1} min", ADA, dm)
    assert (await say(bot, clock, "/remind in 30 min", ADA, dm)).last.startswith("You have 20")
    # The one-offs go out and finish; bringing a finished one back counts again.
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=3))
    finished = [r for r in (await bot.services.reminders.list_for(ADA, dm)).mine]
    assert len(finished) == limit - 3
    for i in range(3):  # new times (the same one-off again would be a duplicate)
        await say(bot, clock, f"/remind in {i + 40} min", ADA, dm)
    again = await say(bot, clock, "/remind change 1 in 10 min", ADA, dm)
    assert again.last.startswith(f"You have {limit} reminders already"), again.last
    # A snoozed copy is a reminder too.
    done_one = outbox.sent[0]
    snooze = done_one.reply.all_buttons[1].action
    _, replier = await pressed(bot, clock, snooze, ADA, dm)
    assert replier.notices == [
        f"You have {limit} reminders already; delete one in /reminders first."
    ]


async def test_a_long_list_of_reminders_comes_in_pages(bot: Knotbot, clock: ManualClock):
    dm = private_chat("ada")
    for hour in range(6, 20):
        await say(bot, clock, f"/remind daily at {hour}:00", ADA, dm)
    first = await say(bot, clock, "/reminders", ADA, dm)
    assert len(first.sent) == 1
    assert "Page 1 of 2 (14 reminders)." in first.last
    buttons = first.sent[-1].reply.all_buttons
    assert buttons[-1].label == "Next \u2192"
    assert sum(b.label.startswith("Pause #") for b in buttons) == 8
    _, second = await pressed(bot, clock, buttons[-1].action, ADA, dm)
    assert "Page 2 of 2 (14 reminders)." in second.last
    assert "#9 " in second.last and "#1 " not in second.last


# 4. /forget by the creator of a shared reminder deleted other members' Done records.
async def test_forgetting_a_moderator_keeps_everyone_elses_done_records(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/remind here daily at 9:05 stretch break", MOD_A, GROUP_A)
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=6))
    (posted,) = outbox.sent
    await pressed(bot, clock, posted.reply.all_buttons[0].action, ADA, GROUP_A)
    before = await say(bot, clock, "/progress", ADA, private_chat("ada"))
    assert "1 reminder done" in before.last
    mod_dm = private_chat("moda")
    asked = await say(bot, clock, "/forget", MOD_A, mod_dm)
    forget = asked.sent[-1].reply.all_buttons[0].action
    await pressed(bot, clock, forget, MOD_A, mod_dm)
    after = await say(bot, clock, "/progress", ADA, private_chat("ada"))
    assert "1 reminder done" in after.last
    assert (await bot.services.reminders.list_for(ADA, GROUP_A)).shared, "the group keeps it"


# 5. Forget, come back, vote again: counts could be inflated by one person.
async def test_forgetting_and_coming_back_cannot_inflate_thanks_or_hide_a_tip(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/tip moderation off", MOD_A, GROUP_A)
    await say(bot, clock, "/tip share lean on a tennis ball against the wall", ADA, GROUP_A)
    (tip,) = await bot.services.tips.mine(ADA, GROUP_A)
    troll = user("troll", "T")
    for _ in range(10):
        await pressed(bot, clock, a.VoteTip(a.VoteKind.THANKS, tip.id), troll, GROUP_A)
        await pressed(bot, clock, a.VoteTip(a.VoteKind.REPORT, tip.id), troll, GROUP_A)
        asked = await say(bot, clock, "/forget", troll, private_chat("troll"))
        await pressed(
            bot, clock, asked.sent[-1].reply.all_buttons[0].action, troll, private_chat("troll")
        )
    shown = await bot.services.tips.visible(GROUP_A, order="top", limit=20)
    mine = next(t for t in shown if t.id == tip.id)
    assert (mine.thanks, mine.reports) == (0, 0), "a forgotten person's votes go with them"
    await pressed(bot, clock, a.VoteTip(a.VoteKind.THANKS, tip.id), troll, GROUP_A)
    await pressed(bot, clock, a.VoteTip(a.VoteKind.THANKS, tip.id), troll, GROUP_A)
    shown = await bot.services.tips.visible(GROUP_A, order="top", limit=20)
    assert next(t for t in shown if t.id == tip.id).thanks == 1


# 6. /tip daily off deleted a stranger's personal reminder (a dangling pointer, a reused id).
async def test_turning_the_tip_of_the_day_off_touches_nothing_else(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/tip daily 09:00", MOD_A, GROUP_A)
    (daily,) = (await bot.services.reminders.list_for(MOD_A, GROUP_A)).shared
    await pressed(bot, clock, a.ReminderControl(a.ReminderOp.DELETE, daily.id), MOD_A, GROUP_A)
    stranger = user("zed", "Zed")
    made = await say(bot, clock, "/remind daily at 8:00", stranger, private_chat("zed"))
    assert made.last.startswith("Set:")
    (theirs,) = (await bot.services.reminders.list_for(stranger, private_chat("zed"))).mine
    assert theirs.id > daily.id, "ids are never reused"
    await say(bot, clock, "/tip daily off", MOD_A, GROUP_A)
    assert (await bot.services.reminders.list_for(stranger, private_chat("zed"))).mine


# 7. The daily pressure limit ignored running holds; one person ran 300 holds at once.
async def test_holds_running_in_several_chats_count_towards_the_daily_limit(
    bot: Knotbot, clock: ManualClock
):
    chats = [group_chat(f"g{i}", f"c{i}") for i in range(5)]
    answers = [await say(bot, clock, "/hold two-balls-sock", ADA, chat) for chat in chats]
    running = bot.services.holds.running_for(ADA)
    planned = sum(h.runner.view.timeline.rounds for h in running)
    upper_back = bot.services.content.area("upper-back")
    assert upper_back is not None and planned <= upper_back.daily_round_limit
    assert len(running) == 2  # 3 + 3 rounds: the third chat is told to rest the spot
    assert "Give this spot a rest until tomorrow" in answers[2].last
    await bot.services.holds.shutdown()


async def test_one_person_cannot_run_a_pile_of_holds(bot: Knotbot, clock: ManualClock):
    chats = [group_chat(f"g{i}", f"c{i}") for i in range(6)]
    answers = [await say(bot, clock, "/hold shoulder-drop", ADA, chat) for chat in chats]
    limit = bot.services.settings.max_running_holds_per_person
    assert len(bot.services.holds.running_for(ADA)) == limit
    assert answers[-1].last.startswith(f"You have {limit} holds running already.")
    await bot.services.holds.shutdown()


# 8. The database password in repr(Settings).
def test_settings_never_show_the_database_password() -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url="postgresql+asyncpg://knotbot:s3cret-pa55@db/knotbot",
        telegram_webhook_secret="a-webhook-secret",  # type: ignore[arg-type]
    )
    for shown in (repr(settings), str(settings)):
        assert "s3cret-pa55" not in shown and "a-webhook-secret" not in shown
        assert "postgresql+asyncpg://knotbot:***@db/knotbot" in shown
    assert {"s3cret-pa55", "a-webhook-secret"} <= set(settings.secrets)


# 9. Links: bare domains, and a web address as a display name credited under a tip.
async def test_tips_refuse_anything_a_chat_client_would_link(bot: Knotbot, clock: ManualClock):
    for said in (
        "buy the magic ball at cure-shop.online today",
        "see CURE-SHOP.ONLINE for the real cure",
        "[CURE](https://x.co) is what helped me most",
        "write to me at someone@example.org for more tips",
        "ask me on t.me/someone about tennis balls",
        "the best ball is at cure-shop\uff0eonline for real",
    ):
        refused = await say(bot, clock, f"/tip share {said}", ADA, GROUP_A)
        assert refused.last.startswith("Links can't go in tips"), (said, refused.last)
    spammer = user("spam", "visit cure-shop.online")
    await say(bot, clock, "/tip moderation off", MOD_A, GROUP_A)
    shared = await say(
        bot, clock, "/tip share a tennis ball in a long sock works", spammer, GROUP_A
    )
    assert "cure-shop" not in shared.last and "a member" in shared.last


# 10. The time-zone button accepted zones /timezone refuses when typed.
async def test_a_zone_button_accepts_only_what_typing_accepts(bot: Knotbot, clock: ManualClock):
    dm = private_chat("ada")
    for zone in ("Factory", "localtime", "EST5EDT", "posixrules", "../../etc/passwd"):
        outcome, replier = await pressed(bot, clock, f"tz:{zone}", ADA, dm)
        assert outcome is Outcome.REFUSED and replier.notices == ["That time zone is not known."]
        typed = await say(bot, clock, f"/timezone {zone}", ADA, dm)
        assert not typed.last.startswith("Set your time zone"), typed.last
    zone, chosen = await bot.services.reminders.user_zone(ADA)
    assert not chosen and zone.key == "UTC"


# 11. A tip its author deleted could be approved again and was re-published.
async def test_a_deleted_tip_stays_deleted(bot: Knotbot, clock: ManualClock):
    await say(bot, clock, "/tip share lean on a tennis ball against the wall", ADA, GROUP_A)
    (tip,) = await bot.services.tips.mine(ADA, GROUP_A)
    await pressed(bot, clock, a.DeleteTip(tip.id), ADA, GROUP_A)
    for decision in a.Decision:
        _, replier = await pressed(bot, clock, a.DecideTip(decision, tip.id), MOD_A, GROUP_A)
        assert replier.notices == ["Its author deleted that tip; it stays deleted."]
    async with bot.services.db.transaction() as tx:
        row = await tx.session.get(Tip, tip.id)
        assert row is not None and row.status == "deleted"
    top = await say(bot, clock, "/tip top", ADA, GROUP_A)
    assert "lean on a tennis ball" not in top.last


async def test_export_after_the_trust_changes_still_has_everything(
    bot: Knotbot, clock: ManualClock
):
    await say(bot, clock, "/remind daily at 8:00", ADA, private_chat("ada"))
    exported = await say(bot, clock, "/export", ADA, private_chat("ada"))
    attachment = exported.sent[-1].reply.attachment
    assert attachment is not None
    data = json.loads(attachment.data)
    assert data["reminders"][0]["words"] == ""
