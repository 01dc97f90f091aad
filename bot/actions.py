"""Button ids: short (Telegram allows 64 bytes), stable across restarts, parsed in one place.

Form: `verb` or `verb:arg[:arg]`. Old buttons keep working after a restart because an id
carries everything needed to act on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64

AREA = "a"  # a:<area>                 show an area's techniques
TECHNIQUE = "t"  # t:<technique>       show one technique
HOLD = "h"  # h:<technique>:<area>     start a guided hold
HOLD_STOP = "hs"  # hs:<hold id>
HOLD_PAUSE = "hp"  # hp:<hold id>
HOLD_RESUME = "hr"  # hr:<hold id>
REMINDER_DONE = "rd"  # rd:<delivery id>
REMINDER_SNOOZE = "rz"  # rz:<delivery id>
REMINDER_STOP = "rx"  # rx:<reminder id>      pause from the reminder itself
REMINDER_PAUSE = "rp"  # rp:<reminder id>     from /reminders
REMINDER_RESUME = "rr"  # rr:<reminder id>
REMINDER_DELETE = "rdel"  # rdel:<reminder id>
REMINDER_PRESET = "rn"  # rn:<preset>          a new reminder from a suggestion
REMINDER_LIST = "rl"  # rl                   show my reminders
TIMEZONE = "tz"  # tz:<zone name> or tz:here <zone name>
QUIET = "q"  # q:<preset>
TIP_THANKS = "tt"  # tt:<tip id>
TIP_REPORT = "tr"  # tr:<tip id>
TIP_APPROVE = "ta"  # ta:<tip id>
TIP_REJECT = "tj"  # tj:<tip id>
TIP_REMOVE = "tx"  # tx:<tip id>       a moderator takes an approved tip down
TIP_DELETE = "td"  # td:<tip id>       its author deletes it
TIP_MORE = "tn"  # tn                  another random tip
FORGET = "fg"  # fg:keep | fg:delete | fg:cancel


@dataclass(frozen=True)
class Action:
    verb: str
    args: tuple[str, ...] = ()

    def arg(self, index: int, default: str = "") -> str:
        return self.args[index] if index < len(self.args) else default

    def number(self, index: int) -> int | None:
        """The argument as a stored id, or None when it is no such thing."""
        return parse_id(self.arg(index))


# Ids are database keys: plain ASCII digits (not "²", which str.isdigit() accepts), and small
# enough for a 64-bit column.
_ID = re.compile(r"#?([0-9]{1,15})")


def parse_id(text: str) -> int | None:
    match = _ID.fullmatch(text.strip())
    return int(match.group(1)) if match else None


def make(verb: str, *args: str | int) -> str:
    action = ":".join([verb, *(str(a) for a in args)])
    if len(action.encode()) > MAX_BYTES:
        raise ValueError(f"button id too long for Telegram: {action!r}")
    return action


def parse(action: str) -> Action:
    verb, *args = action[: MAX_BYTES * 2].split(":")
    return Action(verb, tuple(args))
