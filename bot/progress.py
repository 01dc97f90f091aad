"""/progress: the last four weeks of holds and reminders done, as a small chart and a line.

The chart is drawn here with Pillow, so every platform shows the same picture: Telegram as a
photo, Discord as an attachment, the console as a file.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw, ImageFont

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


def chart(progress: Progress, area_names: dict[str, str]) -> bytes:
    """A PNG: holds per day stacked by area, reminders done per day below, and a legend."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    title = ImageFont.load_default(size=16)
    draw.text((16, 10), "Your last 4 weeks", fill=INK, font=title)

    left, right = 40, WIDTH - 16
    holds_top, holds_bottom = 48, 220
    done_top, done_bottom = 250, 310
    slot = (right - left) / DAYS
    bar = slot * 0.7
    days = progress.days
    most_holds = max([sum(progress.holds.get(d, Counter()).values()) for d in days] + [1])
    most_done = max([progress.done.get(d, 0) for d in days] + [1])
    colours = {area: PALETTE[i % len(PALETTE)] for i, area in enumerate(area_names)}

    for top, bottom, label in ((holds_top, holds_bottom, "holds"), (done_top, done_bottom, "done")):
        draw.line([(left, bottom), (right, bottom)], fill=GRID, width=1)
        draw.text((4, top), label, fill=MUTED, font=font)

    for i, day in enumerate(days):
        x = left + i * slot + (slot - bar) / 2
        y = holds_bottom
        for area, count in sorted(progress.holds.get(day, Counter()).items()):
            height = (holds_bottom - holds_top) * count / most_holds
            draw.rectangle([x, y - height, x + bar, y], fill=colours.get(area, MUTED))
            y -= height
        done = progress.done.get(day, 0)
        if done:
            height = (done_bottom - done_top) * done / most_done
            draw.rectangle([x, done_bottom - height, x + bar, done_bottom], fill=DONE)
        if day.weekday() == 0:  # a date under each Monday
            draw.text((x, done_bottom + 4), day.strftime("%d %b"), fill=MUTED, font=font)

    x = left
    for area, name in area_names.items():
        if area not in progress.total_holds:
            continue
        draw.rectangle([x, HEIGHT - 22, x + 10, HEIGHT - 12], fill=colours[area])
        draw.text((x + 14, HEIGHT - 25), name, fill=INK, font=font)
        x += 24 + draw.textlength(name, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def summary(progress: Progress, area_names: dict[str, str], today: date) -> str:
    totals = progress.total_holds
    count = sum(totals.values())
    done = sum(progress.done.values())
    parts = ", ".join(f"{area_names.get(a, a).lower()} {n}" for a, n in totals.most_common())
    holds = f"{count} hold{'s' if count != 1 else ''}" + (f" ({parts})" if parts else "")
    streak = progress.streak(today)
    return (
        f"Last 4 weeks: {holds}, {done} reminder{'s' if done != 1 else ''} done. "
        f"Streak: {streak} day{'s' if streak != 1 else ''}."
    )
