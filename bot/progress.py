"""/progress: the last four weeks of holds and reminders done, as a small chart and a line,
and whether a technique helps *them*: the average tension before -> after, from check-ins.

The chart is drawn here with Pillow, so every platform shows the same picture: Telegram as a
photo, Discord as an attachment, the console as a file. Its axes carry their numbers.
"""

from __future__ import annotations

import io
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

from bot.i18n import Translator, translator

DAYS = 28
WIDTH, HEIGHT = 720, 360
# One colour per area, in content order (kind to colour-blind eyes: the Okabe-Ito palette).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
INK, MUTED, GRID, DONE = "#222222", "#777777", "#DDDDDD", "#555555"


@dataclass
class Progress:
    first_day: date
    holds: dict[date, Counter[str]] = field(default_factory=dict)  # day -> area -> holds
    done: Counter[date] = field(default_factory=Counter)  # day -> reminders marked done

    @property
    def days(self) -> list[date]:
        return [self.first_day + timedelta(days=i) for i in range(DAYS)]

    @property
    def total_holds(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for per_area in self.holds.values():
            total.update(per_area)
        return total

    def streak(self, today: date) -> int:
        """Days in a row, up to today (or yesterday, if today is still empty), with anything."""
        active = {d for d, c in self.holds.items() if sum(c.values())} | {
            d for d, n in self.done.items() if n
        }
        day = today if today in active else today - timedelta(days=1)
        count = 0
        while day in active:
            count += 1
            day -= timedelta(days=1)
        return count


def collect(
    holds: list[tuple[datetime, str]], dones: list[datetime], zone: ZoneInfo, today: date
) -> Progress:
    """Bucket hold starts (with their area) and Done presses into the person's local days."""
    progress = Progress(first_day=today - timedelta(days=DAYS - 1))
    for started, area in holds:
        day = started.astimezone(zone).date()
        if day >= progress.first_day:
            progress.holds.setdefault(day, Counter())[area] += 1
    for moment in dones:
        day = moment.astimezone(zone).date()
        if day >= progress.first_day:
            progress.done[day] += 1
    return progress


def axis_ticks(most: int) -> list[int]:
    """Whole-number ticks from 0 to the top of an axis (at most five), the top >= `most`."""
    step = max(1, math.ceil(max(most, 1) / 4))
    top = step * math.ceil(max(most, 1) / step)
    return list(range(0, top + 1, step))


def labelled_days(days: list[date]) -> list[int]:
    """Which days get a date under them: today, and every 7th day back."""
    return sorted(range(len(days) - 1, -1, -7))


ENGLISH = translator("en")


def chart(progress: Progress, area_names: dict[str, str], t: Translator = ENGLISH) -> bytes:
    """A PNG: holds per day stacked by area, reminders done per day below, and a legend; the
    counts up the side and the dates along the bottom. Its words in `t`'s language."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    small = ImageFont.load_default(size=11)
    title = ImageFont.load_default(size=16)
    draw.text((16, 8), t.gettext("Your last 4 weeks"), fill=INK, font=title)

    left, right = 44, WIDTH - 16
    holds_top, holds_bottom = 50, 214
    done_top, done_bottom = 252, 306
    slot = (right - left) / DAYS
    bar = slot * 0.7
    days = progress.days
    most_holds = max(sum(progress.holds.get(d, Counter()).values()) for d in days)
    most_done = max(progress.done.get(d, 0) for d in days)
    colours = {area: PALETTE[i % len(PALETTE)] for i, area in enumerate(area_names)}
    holds_ticks = axis_ticks(most_holds)
    done_ticks = [0, axis_ticks(most_done)[-1]]  # a low panel: its top is enough
    top_holds, top_done = holds_ticks[-1], done_ticks[-1]
    panels = (
        (holds_top, holds_bottom, t.gettext("Holds a day"), holds_ticks),
        (done_top, done_bottom, t.gettext("Reminders done a day"), done_ticks),
    )
    for top, bottom, label, ticks in panels:
        draw.text((left, top - 17), label, fill=MUTED, font=small)
        for tick in ticks:
            y = bottom - (bottom - top) * tick / ticks[-1]
            draw.line([(left, y), (right, y)], fill=GRID, width=1)
            number = str(tick)
            x = left - 6 - draw.textlength(number, font=small)
            draw.text((x, y - 6), number, fill=MUTED, font=small)

    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        y = holds_bottom
        for area, count in sorted(progress.holds.get(day, Counter()).items()):
            height = (holds_bottom - holds_top) * count / top_holds
            draw.rectangle([x, y - height, x + bar, y], fill=colours.get(area, MUTED))
            y -= height
        done = progress.done.get(day, 0)
        if done:
            height = (done_bottom - done_top) * done / top_done
            draw.rectangle([x, done_bottom - height, x + bar, done_bottom], fill=DONE)
    for i in labelled_days(days):
        centre = left + (i + 0.5) * slot
        if i == len(days) - 1:
            words = t.gettext("today")
        elif t.language == "en":
            words = days[i].strftime("%d %b")
        else:
            words = t.short_day(days[i], weekday=False)
        draw.line([(centre, done_bottom), (centre, done_bottom + 3)], fill=MUTED, width=1)
        width = draw.textlength(words, font=small)
        x = min(centre - width / 2, right - width)
        draw.text((x, done_bottom + 5), words, fill=MUTED, font=small)

    x = left
    for area, name in area_names.items():
        if area not in progress.total_holds:
            continue
        draw.rectangle([x, HEIGHT - 20, x + 10, HEIGHT - 10], fill=colours[area])
        draw.text((x + 14, HEIGHT - 23), name, fill=INK, font=font)
        x += 24 + draw.textlength(name, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


@dataclass(frozen=True)
class Relief:
    """The average tension (0-10) before and after the holds of one technique on one spot."""

    technique: str
    area: str
    before: float
    after: float
    holds: int


def relief(pairs: Iterable[tuple[str, str, int, int]]) -> list[Relief]:
    """(technique, area, before, after) per hold, averaged per technique and spot; the most
    held first."""
    grouped: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for technique, area, before, after in pairs:
        grouped.setdefault((technique, area), []).append((before, after))
    found = [
        Relief(
            technique,
            area,
            sum(b for b, _ in values) / len(values),
            sum(a for _, a in values) / len(values),
            len(values),
        )
        for (technique, area), values in grouped.items()
    ]
    return sorted(found, key=lambda r: (-r.holds, r.technique, r.area))


def _in_a_sentence(name: str, t: Translator) -> str:
    """A spot's name inside a sentence: lower case, except German nouns ("Oberer Rücken")."""
    return name if t.language == "de" else name.lower()


def _decimal(value: float, t: Translator) -> str:
    return f"{value:.1f}" if t.language == "en" else t.decimal(value)


def relief_line(
    found: Relief, technique_title: str, area_name: str, t: Translator = ENGLISH
) -> str:
    """ "Ball against the wall, upper back: 6.1 \u2192 3.8 over 9 holds"."""
    return t.ngettext(
        "%(technique)s, %(area)s: %(before)s \u2192 %(after)s over %(count)d hold",
        "%(technique)s, %(area)s: %(before)s \u2192 %(after)s over %(count)d holds",
        found.holds,
    ) % {
        "technique": technique_title,
        "area": _in_a_sentence(area_name, t),
        "before": _decimal(found.before, t),
        "after": _decimal(found.after, t),
        "count": found.holds,
    }


def summary(
    progress: Progress, area_names: dict[str, str], today: date, t: Translator = ENGLISH
) -> str:
    totals = progress.total_holds
    count = sum(totals.values())
    done = sum(progress.done.values())
    parts = ", ".join(
        f"{_in_a_sentence(area_names.get(a, a), t)} {n}" for a, n in totals.most_common()
    )
    holds = t.ngettext("%(count)d hold", "%(count)d holds", count) % {"count": count}
    holds += f" ({parts})" if parts else ""
    streak = progress.streak(today)
    return (
        t.ngettext(
            "Last 4 weeks: %(holds)s, %(count)d reminder done.",
            "Last 4 weeks: %(holds)s, %(count)d reminders done.",
            done,
        )
        % {"holds": holds, "count": done}
        + " "
        + t.ngettext("Streak: %(count)d day.", "Streak: %(count)d days.", streak)
        % {"count": streak}
    )
