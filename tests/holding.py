"""Helpers for the hold tests: start one, read its history, read its frames."""

from __future__ import annotations

from datetime import timedelta

from bot.core import Knotbot
from bot.storage.schema import HoldSession
from tests.helpers import RecordingReplier, command


async def start_hold(bot: Knotbot, replier: RecordingReplier, what: str, **kw: object):
    bot.services.holds.attach("memory", replier)  # the hold's edits are recorded there too
    await bot.handle(command(f"/hold {what}", **kw), replier)  # type: ignore[arg-type]
    holds = bot.services.holds.active
    assert holds, f"no hold started; the bot said: {replier.texts}"
    return holds[-1]


async def history(bot: Knotbot, user_id: str = "u1") -> list[HoldSession]:
    async with bot.services.db.transaction() as tx:
        row = await tx.users.get("memory", user_id)
        assert row is not None
        start = bot.services.clock.now() - timedelta(days=7)
        return list(await tx.holds.history(row.id, start))


def phase_of(text: str) -> str:
    """The phase line of a frame: 'Press: 12 s' -> 'Press'; the closing frame -> 'Done'."""
    for line in text.splitlines():
        if line.startswith("Done:"):
            return "Done"
        if (": " in line and line.rstrip().endswith(" s")) or line.split(":")[-1].strip()[
            :1
        ].isdigit():
            return line.split(":")[0].removeprefix("Paused \u00b7 ")
    return text.splitlines()[0]


def phases_in_order(texts: list[str]) -> list[str]:
    seen: list[str] = []
    for text in texts:
        phase = phase_of(text)
        if not seen or seen[-1] != phase:
            seen.append(phase)
    return seen
