"""What is said around a hold, as answers to the person asking: which hold, rest advice at the
daily limit, "Another round?", why a press is capped, "no hold running". Wording lives here,
not in the manager or the command handlers; each is said through the asker's `Translator`."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.actions import Again, HoldAgain, StartHold, button
from bot.content.models import Area, Technique
from bot.holds.messages import ENGLISH, in_a_sentence
from bot.i18n import N_, Translator
from bot.messages import ButtonStyle, Reply, ReplyBuilder, bullets, say, text


def rest_advice(area: Area, done: int, gentle: tuple[Technique, ...], t: Translator) -> Reply:
    """At the daily limit of pressure rounds on a spot: rest it, or try a pressure-free hold."""
    rested = t.ngettext(
        "You have done %(count)d round on your %(spot)s in the last 24 hours. "
        "Give this spot a rest until tomorrow: pressing a knot too long or too often "
        "makes it hurt more the next day.",
        "You have done %(count)d rounds on your %(spot)s in the last 24 hours. "
        "Give this spot a rest until tomorrow: pressing a knot too long or too often "
        "makes it hurt more the next day.",
        done,
    ) % {"count": done, "spot": in_a_sentence(area.name, t)}
    builder = ReplyBuilder().add(
        text(
            rested,
            t.gettext(
                "If it keeps hurting, or the pain is sharp or spreads, have it looked at (/safety)."
            ),
        )
    )
    instead = t.gettext("Try instead: %(title)s")
    builder.row(*(button(instead % {"title": g.title}, StartHold(g.id, area.id)) for g in gentle))
    return builder.build()


def too_many_running(limit: int, t: Translator) -> Reply:
    said = t.ngettext(
        "You have %(limit)d hold running already. Finish or stop it (/stop in its chat) "
        "before starting another: one spot at a time is kinder to your muscles.",
        "You have %(limit)d holds running already. Finish or stop one (/stop in its chat) "
        "before starting another: one spot at a time is kinder to your muscles.",
        limit,
    )
    return say(said % {"limit": limit})


def no_hold_running(t: Translator) -> Reply:
    return say(t.gettext("You have no hold running here."))


STOPPED_NOTICE = N_("Your hold is stopped.")


def no_timed_hold(technique: Technique, t: Translator) -> Reply:
    said = t.gettext("%(title)s has no timed hold; /technique %(id)s shows how.")
    return say(said % {"title": technique.title, "id": technique.id})


def choose_hold(holdable: tuple[Technique, ...], lead: str) -> Reply:
    """The holds to pick from, two buttons a row; `lead` is already said in their language."""
    builder = ReplyBuilder().add(
        text(lead), bullets([f"{one.id}: {one.title}" for one in holdable])
    )
    for i in range(0, len(holdable), 2):
        pair = holdable[i : i + 2]
        builder.row(*(button(one.title, StartHold(one.id, one.areas[0])) for one in pair))
    return builder.build()


# Words by which a caution speaks of time ("20 seconds", "20 Sekunden", "20 segundos").
_TIME_WORDS = ("second", "minute", "sekunde", "segundo", "minuto")
_LONGER_PRESSING = N_("Pressing longer than that makes a spot hurt more the next day, not less.")
_LONGER_HOLDING = N_("Longer is not better here; start it again later if you like.")


def capped_notice(technique: Technique, asked: int, t: Translator = ENGLISH) -> str:
    """Why a hold presses for less than asked: the technique's own caution about time."""
    plan = technique.hold
    assert plan is not None
    cap = plan.press.max_seconds
    why = next(
        (c for c in technique.cautions if any(w in c.lower() for w in _TIME_WORDS)),
        t.gettext(_LONGER_PRESSING if plan.pressure else _LONGER_HOLDING),
    )
    said = t.gettext("%(asked)s is longer than this hold goes, so it presses for %(cap)s.")
    spoken = said % {"asked": _spoken(asked, t), "cap": _spoken(cap, t)}
    return f"{spoken} {why}"


def _spoken(seconds: int, t: Translator) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        minutes = seconds // 60
        return t.ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return t.ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


# When a spot was last pressed, as "You did 3 rounds ... %(when)s" says it.
_WHEN = {
    "now": N_("just now"),
    "night": N_("last night"),
    "morning": N_("this morning"),
    "afternoon": N_("this afternoon"),
    "evening": N_("this evening"),
    "yesterday morning": N_("yesterday morning"),
    "yesterday afternoon": N_("yesterday afternoon"),
    "yesterday evening": N_("yesterday evening"),
}


def when_word(moment: datetime, now: datetime, zone: ZoneInfo, t: Translator = ENGLISH) -> str:
    """'just now', 'this morning', 'last night', 'yesterday afternoon': when, in their day."""
    if now - moment < timedelta(minutes=20):
        return t.gettext(_WHEN["now"])
    local = moment.astimezone(zone)
    hour = local.hour
    if local.date() == now.astimezone(zone).date():
        key = "night" if hour < 5 else _part(hour)
    else:
        key = "night" if hour >= 21 or hour < 5 else f"yesterday {_part(hour)}"
    return t.gettext(_WHEN[key])


def _part(hour: int) -> str:
    return "morning" if hour < 12 else "afternoon" if hour < 17 else "evening"


def ask_again(
    technique: Technique,
    area: Area,
    rounds_done: int,
    when: str,
    seconds: int | None,
    t: Translator,
) -> Reply:
    """A pressure hold on a spot already pressed within the day: ask before starting."""
    left = area.daily_round_limit - rounds_done
    did = t.ngettext(
        "You did %(count)d round on your %(spot)s %(when)s. Another round?",
        "You did %(count)d rounds on your %(spot)s %(when)s. Another round?",
        rounds_done,
    ) % {"count": rounds_done, "spot": in_a_sentence(area.name, t), "when": when}
    more = t.gettext(
        "Up to %(left)d more today; a spot pressed too often hurts more the next day."
    ) % {"left": left}
    builder = ReplyBuilder().add(text(did, more))
    builder.row(
        button(
            t.gettext("Start anyway"),
            HoldAgain(Again.YES, technique.id, area.id, seconds or 0),
            ButtonStyle.PRIMARY,
        ),
        button(t.gettext("Not now"), HoldAgain(Again.NO, technique.id, area.id, seconds or 0)),
    )
    return builder.build()


def not_now_routine(name: str, t: Translator) -> Reply:
    said = t.gettext("Good call: %(name)s can wait. /hold %(name)s whenever you like.")
    return say(said % {"name": name})


def say_routine_spot_gone(name: str, t: Translator) -> Reply:
    said = t.gettext(
        "The spot of \u201c%(name)s\u201d is no longer in my notes; /routine edit %(name)s."
    )
    return say(said % {"name": name})


def not_now(area: Area, t: Translator) -> Reply:
    said = t.gettext("Good call: your %(spot)s gets a rest. /hold whenever you like.")
    return say(said % {"spot": in_a_sentence(area.name, t)})


def before_noted(value: int | None, t: Translator) -> str:
    if value is None:
        return t.gettext("No check-in this time.")
    return t.gettext("Noted: %(value)d of 10. I'll ask again at the end.") % {"value": value}


def only_today(allowed: int, done: int, area: Area, t: Translator) -> str:
    """A notice on the hold: fewer rounds than planned, the rest of the spot's daily limit."""
    said = t.ngettext(
        "Only %(allowed)d round today: you have done %(done)d of %(limit)d on your %(spot)s "
        "in the last 24 hours.",
        "Only %(allowed)d rounds today: you have done %(done)d of %(limit)d on your %(spot)s "
        "in the last 24 hours.",
        allowed,
    )
    spot = in_a_sentence(area.name, t)
    return said % {"allowed": allowed, "done": done, "limit": area.daily_round_limit, "spot": spot}
