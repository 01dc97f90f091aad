"""What people say to the bot, what it should answer, and a Replier that keeps the answers."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.core import Knotbot
from bot.messages import Incoming, MessageRef, Reply
from bot.outbox import PlatformLimits
from bot.render import plain_text

if TYPE_CHECKING:
    from benchmarks.conversation.crowd import Person

PLATFORM = "bench"
LIMITS = PlatformLimits(min_edit_interval=1.0, sends_per_second=1e9, sends_per_chat_per_second=1e9)
REMINDER_CAP = 3  # a person at this many deletes one instead (the service allows 20)
REMIND = "every 2 hours from 9 to 18 on weekdays"
# A new /remind starts at one of these hours in turn, so it is never one the person has (the
# bot would ask whether to add the same again).
STARTS = (6, 7, 8, 10, 11, 12)


def remind(asked: int) -> str:
    start = STARTS[asked % len(STARTS)]
    return f"every 2 hours from {start} to {start + 9} on weekdays"


ZONES = ("Europe/Berlin", "America/New_York")

# What people do, by weight: one pick is one event, except "remind" (see act()).
MIX: dict[str, int] = {
    "knot": 20,
    "knot-typo": 5,
    "knot-community": 5,
    "area-button": 8,
    "help": 8,
    "reminders": 15,
    "remind": 8,
    "timezone": 8,
    "tip": 10,
}
# Every kind of event, as the tables name it, what it touches, and a phrase its answer has.
EVENTS: dict[str, tuple[str, str, str]] = {
    "knot": ("/knot upper-back", "none", "Upper back"),
    "knot-typo": ("/knot uper back (suggestions)", "none", "Did you mean"),
    "knot-community": ("/knot upper-back in a community", "read", "Upper back"),
    "area-button": ("button a:upper-back", "none", "Upper back"),
    "help": ("/help", "none", "Here is what I can do"),
    "reminders": ("/reminders", "read", "reminders"),
    "remind": ("/remind every 2 hours from 6 to 15 on weekdays (6-12)", "write", "Set: "),
    "list-button": ("button rl (My reminders, after /remind)", "read", "reminders"),
    "delete-button": ("button rdel:<id> (Delete, at 3 reminders)", "write", "Deleted #"),
    "timezone": ("/timezone Europe/Berlin or America/New_York", "write", "Set your time zone"),
    "tip": ("/tip random in a community", "read", "A tip from this community"),
}


@dataclass
class MemoryReplier:
    """A Replier that keeps what the core answered for this one event, and nothing more."""

    replies: list[Reply] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @property
    def limits(self) -> PlatformLimits:
        return LIMITS

    async def reply(self, reply: Reply) -> MessageRef:
        self.replies.append(reply)
        return MessageRef(PLATFORM, "chat", str(len(self.replies)))

    async def update(self, reply: Reply) -> MessageRef:
        return await self.reply(reply)

    async def notice(self, text: str) -> None:
        self.notices.append(text)

    def reminder_ids(self) -> list[int]:
        """The ids on the Delete buttons of the reminder list in the answer."""
        ids = [
            int(b.action.split(":")[1])
            for r in self.replies
            for b in r.all_buttons
            if b.action.startswith("rdel:")
        ]
        return sorted(ids)


@dataclass
class Tally:
    """What one scenario saw: latencies by event kind, and answers that were not as expected."""

    record_from: float = 0.0
    samples: list[tuple[str, float]] = field(default_factory=list)
    unexpected: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)

    async def send(self, knotbot: Knotbot, kind: str, event: Incoming) -> MemoryReplier:
        replier = MemoryReplier()
        started = time.perf_counter()
        await knotbot.handle(event, replier)
        took = time.perf_counter() - started
        if started >= self.record_from:
            self.samples.append((kind, took))
        said = "\n".join([*(plain_text(r) for r in replier.replies), *replier.notices])
        if EVENTS[kind][2] not in said:
            self.unexpected[kind] += 1
            if len(self.examples) < 5:
                self.examples.append(f"{kind}: {said[:200]!r}")
        return replier


async def act(knotbot: Knotbot, tally: Tally, person: Person, pick: str) -> None:
    """One thing a person does; "remind" is a new reminder and a look at the list (two
    events), or, for someone at REMINDER_CAP reminders, pressing Delete on the oldest."""
    match pick:
        case "knot":
            await tally.send(knotbot, pick, person.say("/knot upper-back"))
        case "knot-typo":
            await tally.send(knotbot, pick, person.say("/knot uper back"))
        case "knot-community":
            await tally.send(knotbot, pick, person.say("/knot upper-back", community=True))
        case "area-button":
            await tally.send(knotbot, pick, person.press("a:upper-back"))
        case "help":
            await tally.send(knotbot, pick, person.say("/help"))
        case "reminders":
            answer = await tally.send(knotbot, pick, person.say("/reminders"))
            person.reminders = answer.reminder_ids()
        case "remind" if len(person.reminders) >= REMINDER_CAP:
            press = person.press(f"rdel:{person.reminders[0]}")
            answer = await tally.send(knotbot, "delete-button", press)
            person.reminders = answer.reminder_ids()
        case "remind":
            person.asked += 1
            await tally.send(knotbot, pick, person.say(f"/remind {remind(person.asked)}"))
            answer = await tally.send(knotbot, "list-button", person.press("rl"))
            person.reminders = answer.reminder_ids()
        case "timezone":  # alternating, so every one changes something
            person.zone = ZONES[0] if person.zone != ZONES[0] else ZONES[1]
            await tally.send(knotbot, pick, person.say(f"/timezone {person.zone}"))
        case "tip":
            await tally.send(knotbot, pick, person.say("/tip random", community=True))
        case _:
            raise ValueError(pick)
