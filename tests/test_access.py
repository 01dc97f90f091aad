"""Who may do what: every button and every command that acts on something, tried by everyone.

The table below is written by hand, on purpose: it is the second place a request's rule is
declared. A new button or request type that is not in it fails `test_every_request_type_is_
in_the_table`, and one whose rule differs from the table fails too, so a new verb cannot slip
in without someone deciding who may use it. Each is then tried, through `Knotbot.handle`, by
five people: the owner of the target, another member of the same chat, a moderator of the same
community, a moderator of ANOTHER community, and a stranger in a private chat; the core must
refuse exactly those the rule excludes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from bot import actions as a
from bot.actions import Rule, Target, Where
from bot.clock import ManualClock
from bot.context import Outcome
from bot.core import Knotbot
from bot.messages import ButtonPress, ChatRef, Command, UserRef
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

OWNER = user("own", "Olu")
MEMBER = user("mem", "Mia")
MODERATOR = user("mod", "Moe", moderator=True)
MODERATOR_ELSEWHERE = user("mox", "Max", moderator=True)
STRANGER = user("str", "Sam")
GROUP = group_chat("gA", "cA")
OTHER_GROUP = group_chat("gB", "cB")
PEOPLE: dict[str, tuple[UserRef, ChatRef]] = {
    "owner": (OWNER, GROUP),
    "member": (MEMBER, GROUP),
    "moderator": (MODERATOR, GROUP),
    "moderator elsewhere": (MODERATOR_ELSEWHERE, OTHER_GROUP),
    "stranger": (STRANGER, private_chat("str")),
}


@dataclass
class Targets:
    """One of everything, belonging to OWNER or to community cA."""

    reminder: int
    shared_reminder: int
    delivery: int
    shared_delivery: int
    tip: int
    hold: int
    routine: int


async def _said(bot: Knotbot, clock: ManualClock, text: str, who: UserRef, chat: ChatRef) -> None:
    await bot.handle(command(text, who=who, chat=chat), RecordingReplier(clock))


async def make_targets(bot: Knotbot, clock: ManualClock) -> Targets:
    r = bot.services.reminders
    await _said(bot, clock, "/remind in 1 min", OWNER, private_chat("own"))
    await _said(bot, clock, "/remind here in 1 min stretch", MODERATOR, GROUP)
    listed = await r.list_for(OWNER, GROUP)
    shared = await r.list_for(MODERATOR, GROUP)
    outbox = RecordingOutbox(clock)
    await run_until(clock, dispatcher_for(bot, outbox), clock.now() + timedelta(minutes=2))
    personal_done = next(d for d in outbox.sent if not d.chat.is_community)
    shared_done = next(d for d in outbox.sent if d.chat.is_community)
    await _said(bot, clock, "/tip moderation off", MODERATOR, GROUP)
    await _said(bot, clock, "/tip share lean on a tennis ball against the wall", OWNER, GROUP)
    (tip,) = await bot.services.tips.mine(OWNER, GROUP)
    await _said(bot, clock, "/hold shoulder-drop", OWNER, GROUP)
    hold = bot.services.holds.find(GROUP, OWNER)
    assert hold is not None and listed.mine and shared.shared
    await _said(bot, clock, "/routine new chin tucks: hold 5 s, 3 times area:neck", OWNER,
                private_chat("own"))  # fmt: skip
    routine = await bot.services.routines.find(OWNER, "chin tucks")
    assert routine is not None
    return Targets(
        reminder=listed.mine[-1].id,
        shared_reminder=shared.shared[-1].id,
        delivery=_id_of(personal_done.reply.all_buttons[0].action),
        shared_delivery=_id_of(shared_done.reply.all_buttons[0].action),
        tip=tip.id,
        hold=hold.hold_id,
        routine=routine.id,
    )


def _id_of(button_id: str) -> int:
    decoded = a.decode(button_id)
    assert isinstance(decoded, a.ReminderDone)
    return decoded.delivery_id


Event = Callable[[Targets, UserRef, ChatRef], ButtonPress | Command]


def pressing(make: Callable[[Targets], a.Action]) -> Event:
    return lambda t, who, chat: press(make(t), who=who, chat=chat)


def typing(text: Callable[[Targets], str]) -> Event:
    return lambda t, who, chat: command(text(t), who=who, chat=chat)


# Every request type, its rule as decided here, and how to try it (variants: personal and
# shared targets where the rule treats them differently).
TABLE: dict[type[a.Request], tuple[Rule, dict[str, Event]]] = {
    a.ShowArea: (Rule.ANYONE, {"": pressing(lambda t: a.ShowArea("jaw"))}),
    a.ShowTechnique: (Rule.ANYONE, {"": pressing(lambda t: a.ShowTechnique("ball-wall"))}),
    a.StartHold: (Rule.ANYONE, {"": pressing(lambda t: a.StartHold("neck-tilt", "neck"))}),
    a.HoldControl: (
        Rule.OWNER,
        {"": pressing(lambda t: a.HoldControl(a.HoldOp.PAUSE, t.hold))},
    ),
    a.HoldAgain: (
        Rule.ANYONE,
        {"": pressing(lambda t: a.HoldAgain(a.Again.YES, "neck-tilt", "neck"))},
    ),
    # Anyone may tap; it only ever records the presser's own hold (the owner's is noted).
    a.TenseHold: (Rule.ANYONE, {"": pressing(lambda t: a.TenseHold(a.When.BEFORE, t.hold, 5))}),
    a.ListReminders: (Rule.ANYONE, {"": pressing(lambda t: a.ListReminders())}),
    a.ReminderPreset: (Rule.ANYONE, {"": pressing(lambda t: a.ReminderPreset("guard"))}),
    a.ReminderControl: (
        Rule.OWNER_OR_MODERATOR,
        {
            "personal": pressing(lambda t: a.ReminderControl(a.ReminderOp.PAUSE, t.reminder)),
            "shared": pressing(lambda t: a.ReminderControl(a.ReminderOp.PAUSE, t.shared_reminder)),
        },
    ),
    a.AddAnyway: (
        Rule.OWNER_OR_MODERATOR,
        {
            "personal": pressing(lambda t: a.AddAnyway(t.reminder)),
            "shared": pressing(lambda t: a.AddAnyway(t.shared_reminder)),
        },
    ),
    a.UndoDelete: (
        Rule.OWNER_OR_MODERATOR,
        {
            "personal": pressing(lambda t: a.UndoDelete(t.reminder)),
            "shared": pressing(lambda t: a.UndoDelete(t.shared_reminder)),
        },
    ),
    a.BedtimeReminder: (
        Rule.ANYONE,
        {"": pressing(lambda t: a.BedtimeReminder("2230", "mouth-guard"))},
    ),
    a.StopReminder: (
        Rule.OWNER_OR_MODERATOR,
        {
            "personal": pressing(lambda t: a.StopReminder(t.reminder)),
            "shared": pressing(lambda t: a.StopReminder(t.shared_reminder)),
        },
    ),
    a.ReminderDone: (
        Rule.OWNER_OR_MEMBER,
        {
            "personal": pressing(lambda t: a.ReminderDone(t.delivery)),
            "shared": pressing(lambda t: a.ReminderDone(t.shared_delivery)),
        },
    ),
    a.TenseReminder: (
        Rule.OWNER,
        {"personal": pressing(lambda t: a.TenseReminder(t.delivery, 4))},
    ),
    a.SnoozeReminder: (
        Rule.OWNER_OR_MODERATOR,
        {
            "personal": pressing(lambda t: a.SnoozeReminder(t.delivery)),
            "shared": pressing(lambda t: a.SnoozeReminder(t.shared_delivery)),
        },
    ),
    a.ShareReminder: (
        Rule.MODERATOR,
        {"shared": typing(lambda t: "/remind here daily at 15:00 stretch break")},
    ),
    a.ChangeReminder: (
        Rule.OWNER_OR_MODERATOR,
        {
            "personal": typing(lambda t: f"/remind change {t.reminder} at 21:00"),
            "shared": typing(lambda t: f"/remind change {t.shared_reminder} at 21:00"),
        },
    ),
    a.SetMyZone: (Rule.ANYONE, {"": pressing(lambda t: a.SetMyZone("Europe/Berlin"))}),
    a.SetCommunityZone: (
        Rule.MODERATOR,
        {
            "shared": pressing(lambda t: a.SetCommunityZone("Europe/Berlin")),
            "typed": typing(lambda t: "/timezone here Europe/Lisbon"),
        },
    ),
    a.Quiet: (Rule.ANYONE, {"": pressing(lambda t: a.Quiet("1d"))}),
    a.SetLanguage: (Rule.ANYONE, {"": pressing(lambda t: a.SetLanguage("de"))}),
    a.VoteTip: (
        Rule.MEMBER,
        {"shared": pressing(lambda t: a.VoteTip(a.VoteKind.REPORT, t.tip))},
    ),
    a.DecideTip: (
        Rule.MODERATOR,
        {
            "shared": pressing(lambda t: a.DecideTip(a.Decision.REMOVE, t.tip)),
            "typed": typing(lambda t: f"/tip remove {t.tip}"),
        },
    ),
    a.DeleteTip: (
        Rule.OWNER,
        {
            "": pressing(lambda t: a.DeleteTip(t.tip)),
            "typed": typing(lambda t: f"/tip delete {t.tip}"),
        },
    ),
    a.AnotherTip: (Rule.ANYONE, {"": pressing(lambda t: a.AnotherTip())}),
    a.ReviewTips: (Rule.MODERATOR, {"shared": typing(lambda t: "/tip pending")}),
    a.SetModeration: (Rule.MODERATOR, {"shared": typing(lambda t: "/tip moderation on")}),
    a.SetTipOfTheDay: (Rule.MODERATOR, {"shared": typing(lambda t: "/tip daily 09:00")}),
    a.Forget: (Rule.ANYONE, {"": pressing(lambda t: a.Forget(a.ForgetChoice.CANCEL))}),
    # A routine is its person's alone, wherever the button is pressed.
    a.RoutineControl: (
        Rule.OWNER,
        {"": pressing(lambda t: a.RoutineControl(a.RoutineOp.EDIT, t.routine))},
    ),
    a.RoutinePresses: (Rule.OWNER, {"": pressing(lambda t: a.RoutinePresses(t.routine))}),
    a.ShareRoutine: (Rule.OWNER, {"": pressing(lambda t: a.ShareRoutine(t.routine))}),
    # Copying names a tip of this community (an approved shared routine), never a routine.
    a.CopyRoutine: (Rule.MEMBER, {"shared": pressing(lambda t: a.CopyRoutine(t.tip))}),
    # The draft buttons only ever fill in the presser's own draft.
    a.DraftSpot: (Rule.ANYONE, {"": pressing(lambda t: a.DraftSpot("neck"))}),
    a.DraftSkip: (Rule.ANYONE, {"": pressing(lambda t: a.DraftSkip())}),
    a.DraftCancel: (Rule.ANYONE, {"": pressing(lambda t: a.DraftCancel())}),
}

# Who may, per rule, when the target is personal (OWNER's) or shared (community cA's).
ALLOWED: dict[tuple[Rule, bool], set[str]] = {
    (Rule.OWNER, False): {"owner"},
    (Rule.OWNER, True): {"owner"},
    (Rule.OWNER_OR_MODERATOR, False): {"owner"},
    (Rule.OWNER_OR_MODERATOR, True): {"moderator"},
    (Rule.OWNER_OR_MEMBER, False): {"owner"},
    (Rule.OWNER_OR_MEMBER, True): {"owner", "member", "moderator"},
    (Rule.MEMBER, True): {"owner", "member", "moderator"},
    (Rule.MODERATOR, True): {"moderator"},
}


def all_request_types() -> set[type[a.Request]]:
    found: set[type[a.Request]] = set()
    pending = [a.Request]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub is not a.Action:
                found.add(sub)
    return found


def expected(kind: type[a.Request], variant: str, person: str) -> bool:
    rule, _ = TABLE[kind]
    _, chat = PEOPLE[person]
    typed_here = kind is a.ShareReminder or (kind is a.SetCommunityZone and variant == "typed")
    if typed_here and not chat.is_community:  # typed in a private chat, "here" is your own chat
        return True
    if kind.where is Where.PRIVATE and chat.is_community:
        return False
    if kind.where is Where.COMMUNITY and not chat.is_community:
        return False
    if rule is Rule.ANYONE:
        return True
    if kind.target is Target.CHAT:  # the target is the community of the chat it is used in
        return person in ("moderator", "moderator elsewhere")
    shared = variant in ("shared", "typed") or kind.target in (Target.CHAT, Target.TIP)
    return person in ALLOWED[(rule, shared)]


def test_every_request_type_is_in_the_table() -> None:
    assert all_request_types() == set(TABLE), "a request type needs a row in TABLE"
    for kind, (rule, _) in TABLE.items():
        assert kind.rule is rule, f"{kind.__name__} declares {kind.rule}, the table says {rule}"


@pytest.mark.parametrize("kind", list(TABLE), ids=lambda kind: kind.__name__)
async def test_each_request_is_allowed_exactly_for_whom_its_rule_says(
    bot: Knotbot, clock: ManualClock, kind: type[a.Request]
) -> None:
    targets = await make_targets(bot, clock)
    _, variants = TABLE[kind]
    wrong = []
    for variant, make_event in variants.items():
        for person, (who, chat) in PEOPLE.items():  # the owner first: a refusal never depends
            event = make_event(targets, who, chat)  # on what an allowed person did before
            replier = RecordingReplier(clock)
            outcome = await bot.handle(event, replier)
            allowed = expected(kind, variant, person)
            assert outcome in (Outcome.OK, Outcome.REFUSED), (outcome, replier.texts)
            if (outcome is Outcome.OK) is not allowed:
                said = replier.texts + replier.notices
                wrong.append(
                    f"{variant or 'any'}: {person} {'refused' if allowed else 'allowed'}: {said}"
                )
    assert not wrong, "\n".join(wrong)
