"""Every command and every button the core understands, in two tables.

Where is a command handled? Find its name in COMMANDS; the handler is next to it. Where is a
button handled? Find its type (bot/actions.py) in HANDLERS. Who may use them is declared with
the command (`where`) and with each request type (`rule`), and checked by bot/access.py.
"""

from __future__ import annotations

from bot import actions as a
from bot.actions import Where
from bot.commands import (
    basics,
    checkins,
    holds,
    knot,
    language,
    privacy,
    progress,
    quiet,
    reminder_list,
    reminders,
    routines,
    timezone,
    tips,
)
from bot.commands.spec import ArgSpec, CommandSpec, SubcommandSpec
from bot.context import Context, RequestHandler
from bot.messages import ReplyBuilder, bullets, note, text


async def help_command(ctx: Context) -> None:
    t = ctx.t
    lines = [
        f"/{c.name}{' ' + t.gettext(c.usage) if c.usage else ''}: {t.gettext(c.description)}"
        for c in COMMANDS
    ]
    await ctx.answer(
        ReplyBuilder()
        .add(
            text(t.gettext("Here is what I can do:")),
            bullets(lines),
            note(ctx.content.safety.notice),
        )
        .build()
    )


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", "Say hello and pick a spot", basics.start),
    CommandSpec("help", "Everything knotbot can do", help_command),
    CommandSpec(
        "knot",
        "Techniques for a knotted spot, with cautions",
        knot.knot,
        ArgSpec("area", "The spot, e.g. upper-back, shoulders, jaw", complete="areas"),
        usage="<area>",
    ),
    CommandSpec("areas", "The body areas knotbot knows", basics.areas),
    CommandSpec(
        "technique",
        "One technique in full",
        knot.technique,
        ArgSpec("technique", "The technique, e.g. ball-wall", complete="techniques"),
        usage="<technique>",
    ),
    CommandSpec(
        "hold",
        "Start a guided timed hold",
        holds.hold,
        ArgSpec("what", "An area or a technique, e.g. upper-back", complete="holdables"),
        usage="<area or technique>",
    ),
    CommandSpec("stop", "Stop your running hold", holds.stop),
    CommandSpec(
        "remind",
        "Set a relax reminder",
        reminders.remind,
        ArgSpec("when", "e.g. unclench jaw every hour; mouth guard at bedtime"),
        usage="<when and what>",
    ),
    CommandSpec(
        "reminders", "List, pause, resume or delete your reminders", reminder_list.reminders
    ),
    CommandSpec(
        "routine",
        "Your own routines, e.g. from your physio's sheet",
        routines.routine,
        ArgSpec("what", "new, list, show, edit, delete, share, cancel, or a routine's name"),
        usage="new <name: hold 5 s, 10 times> | list | edit | delete <name>",
        subcommands=(
            SubcommandSpec(
                "new",
                "Write a routine (chin tucks: hold 5 s, 10 times), or step by step",
                ArgSpec("routine", "e.g. chin tucks: hold 5 s, 10 times"),
                ArgSpec("area", "The spot it is for", complete="areas"),
                usage="<name: hold 5 s, 10 times>",
            ),
            SubcommandSpec("list", "Your routines"),
            SubcommandSpec(
                "show", "One routine", ArgSpec("name", "Its name", required=True), usage="<name>"
            ),
            SubcommandSpec(
                "edit",
                "Change a routine step by step",
                ArgSpec("name", "Its name", required=True),
                usage="<name>",
            ),
            SubcommandSpec(
                "delete",
                "Delete a routine",
                ArgSpec("name", "Its name", required=True),
                usage="<name>",
            ),
            SubcommandSpec(
                "share",
                "Share a routine as a tip here (moderated)",
                ArgSpec("name", "Its name", required=True),
                usage="<name>",
            ),
            SubcommandSpec("cancel", "Stop writing a routine"),
        ),
    ),
    CommandSpec(
        "timezone",
        "Set your time zone",
        timezone.timezone,
        ArgSpec(
            "zone",
            "e.g. Europe/Berlin, a city, or your local time like 14:35",
            complete="timezones",
        ),
        usage="<zone, city or local time>",
    ),
    CommandSpec(
        "language",
        "Choose the language I speak: English, Deutsch, Español",
        language.language,
        ArgSpec("language", "en, de or es; auto follows your app", complete="languages"),
        usage="<en | de | es | auto>",
    ),
    CommandSpec(
        "quiet",
        "Pause all your reminders for a while",
        quiet.quiet,
        ArgSpec("how_long", "e.g. until tomorrow, for 3 days, off"),
        usage="<until tomorrow | for 3 days | off>",
    ),
    CommandSpec(
        "tip",
        "Community tips: share, browse, thank",
        tips.tip,
        ArgSpec("what", "share <your tip>, random, top, area <spot>, mine, pending"),
        usage="share <your tip> | random | top | area <spot> | mine",
        subcommands=(
            SubcommandSpec(
                "share",
                "Share what helps you (no links; add area:upper-back for one spot)",
                ArgSpec("tip", "Your tip, in your own words (no links)", required=True),
                ArgSpec("area", "The spot it helps", complete="areas"),
                usage="<your tip>",
            ),
            SubcommandSpec("random", "A random tip from this community"),
            SubcommandSpec("top", "The most thanked tips"),
            SubcommandSpec(
                "area",
                "Tips for one spot",
                option=ArgSpec("area", "The spot", required=True, complete="areas"),
                usage="<spot>",
            ),
            SubcommandSpec("mine", "Your tips, to delete one"),
            SubcommandSpec("pending", "Moderators: tips waiting for review", moderators=True),
            SubcommandSpec(
                "remove",
                "Moderators: take a tip down",
                ArgSpec("number", "The tip's number", required=True),
                usage="<number>",
                moderators=True,
            ),
            SubcommandSpec(
                "moderation",
                "Moderators: tips wait for review (on) or show at once (off)",
                ArgSpec("on_or_off", "on or off", required=True),
                usage="on|off",
                moderators=True,
            ),
            SubcommandSpec(
                "daily",
                "Moderators: a tip of the day here at a time, or off",
                ArgSpec("time", "e.g. 09:00, or off", required=True),
                usage="09:00|off",
                moderators=True,
            ),
        ),
    ),
    CommandSpec("progress", "Your last four weeks as a chart", progress.progress),
    CommandSpec(
        "checkins",
        "Tension check-ins (0-10) before and after holds: on or off",
        checkins.checkins,
        ArgSpec("on_or_off", "on or off"),
        usage="on|off",
    ),
    CommandSpec(
        "export", "Get everything knotbot stores about you", privacy.export, where=Where.PRIVATE
    ),
    CommandSpec(
        "forget", "Delete everything knotbot stores about you", privacy.forget, where=Where.PRIVATE
    ),
    CommandSpec("safety", "When to see a professional", basics.safety),
)

ALIASES: dict[str, str] = {
    "techniques": "technique",
    "spots": "areas",
    "cancel": "stop",
    "reminder": "remind",
    "tz": "timezone",
    "lang": "language",
    "sprache": "language",
    "idioma": "language",
    "snooze": "quiet",
    "tips": "tip",
    "routines": "routine",
}

# Each request type (bot/actions.py) and the handler that answers it.
HANDLERS: dict[type[a.Request], RequestHandler] = {
    a.ShowArea: knot.on_area_button,
    a.ShowTechnique: knot.on_technique_button,
    a.StartHold: holds.on_start_button,
    a.HoldControl: holds.on_control_button,
    a.HoldAgain: holds.on_again_button,
    a.TenseHold: checkins.on_tense_hold,
    a.TenseReminder: checkins.on_tense_reminder,
    a.ListReminders: reminder_list.on_list,
    a.ReminderPreset: reminders.on_preset,
    a.ReminderControl: reminder_list.on_control,
    a.UndoDelete: reminder_list.on_undo,
    a.StopReminder: reminder_list.on_stop,
    a.ReminderDone: reminder_list.on_done,
    a.SnoozeReminder: reminder_list.on_snooze,
    a.ShareReminder: reminders.on_share,
    a.ChangeReminder: reminders.on_change,
    a.AddAnyway: reminders.on_add_anyway,
    a.BedtimeReminder: reminders.on_bedtime,
    a.SetMyZone: timezone.on_my_zone,
    a.SetCommunityZone: timezone.on_community_zone,
    a.Quiet: quiet.on_quiet_button,
    a.SetLanguage: language.on_language_button,
    a.VoteTip: tips.on_vote,
    a.DecideTip: tips.on_decide,
    a.DeleteTip: tips.on_delete,
    a.AnotherTip: tips.on_another,
    a.ReviewTips: tips.on_review,
    a.SetModeration: tips.on_moderation,
    a.SetTipOfTheDay: tips.on_tip_of_the_day,
    a.Forget: privacy.on_forget_button,
    a.RoutineControl: routines.on_control,
    a.RoutinePresses: routines.on_presses,
    a.ShareRoutine: routines.on_share,
    a.CopyRoutine: routines.on_copy,
    a.DraftSpot: routines.on_draft_spot,
    a.DraftSkip: routines.on_draft_skip,
    a.DraftCancel: routines.on_draft_cancel,
}

BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}

__all__ = ["ALIASES", "BY_NAME", "COMMANDS", "HANDLERS", "ArgSpec", "CommandSpec"]
