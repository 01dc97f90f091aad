"""Every command and button the core understands, in one table.

Where is a command handled? Find its name here; the handler is next to it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot import actions
from bot.commands import basics, holds, knot, privacy, progress, reminders, tips
from bot.commands.spec import ArgSpec, CommandSpec, SubcommandSpec
from bot.context import Context
from bot.messages import ReplyBuilder, bullets, note, text

ActionHandler = Callable[[Context, actions.Action], Awaitable[None]]


async def help_command(ctx: Context) -> None:
    lines = [f"/{c.name}{' ' + c.usage if c.usage else ''}: {c.description}" for c in COMMANDS]
    await ctx.answer(
        ReplyBuilder()
        .add(
            text("Here is what I can do:"),
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
        ArgSpec("when", "e.g. every 2 hours from 9 to 18 on weekdays; at 22:30 mouth guard"),
        usage="<when and what>",
    ),
    CommandSpec("reminders", "List, pause, resume or delete your reminders", reminders.reminders),
    CommandSpec(
        "timezone",
        "Set your time zone",
        reminders.timezone,
        ArgSpec(
            "zone",
            "e.g. Europe/Berlin, a city, or your local time like 14:35",
            complete="timezones",
        ),
        usage="<zone, city or local time>",
    ),
    CommandSpec(
        "quiet",
        "Pause all your reminders for a while",
        reminders.quiet,
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
                "Share what helps you",
                ArgSpec("tip", "Your tip, in your own words (no links)", required=True),
                ArgSpec("area", "The spot it helps", complete="areas"),
            ),
            SubcommandSpec("random", "A random tip from this community"),
            SubcommandSpec("top", "The most thanked tips"),
            SubcommandSpec(
                "area",
                "Tips for one spot",
                option=ArgSpec("area", "The spot", required=True, complete="areas"),
            ),
            SubcommandSpec("mine", "Your tips, to delete one"),
            SubcommandSpec("pending", "Moderators: tips waiting for review"),
            SubcommandSpec(
                "remove",
                "Moderators: take a tip down",
                ArgSpec("number", "The tip's number", required=True),
            ),
            SubcommandSpec(
                "moderation",
                "Moderators: tips wait for review (on) or show at once (off)",
                ArgSpec("on_or_off", "on or off", required=True),
            ),
            SubcommandSpec(
                "daily",
                "Moderators: a tip of the day here at a time, or off",
                ArgSpec("time", "e.g. 09:00, or off", required=True),
            ),
        ),
    ),
    CommandSpec("progress", "Your last four weeks as a chart", progress.progress),
    CommandSpec("export", "Get everything knotbot stores about you", privacy.export),
    CommandSpec("forget", "Delete everything knotbot stores about you", privacy.forget),
    CommandSpec("safety", "When to see a professional", basics.safety),
)

ALIASES: dict[str, str] = {
    "techniques": "technique",
    "spots": "areas",
    "cancel": "stop",
    "reminder": "remind",
    "tz": "timezone",
    "snooze": "quiet",
    "tips": "tip",
}

ACTIONS: dict[str, ActionHandler] = {
    actions.AREA: knot.on_area_button,
    actions.TECHNIQUE: knot.on_technique_button,
    actions.HOLD: holds.on_start_button,
    actions.HOLD_STOP: holds.on_control_button,
    actions.HOLD_PAUSE: holds.on_control_button,
    actions.HOLD_RESUME: holds.on_control_button,
    actions.REMINDER_DONE: reminders.on_reminder_button,
    actions.REMINDER_SNOOZE: reminders.on_reminder_button,
    actions.REMINDER_STOP: reminders.on_reminder_button,
    actions.REMINDER_LIST: reminders.on_list_button,
    actions.REMINDER_PAUSE: reminders.on_list_button,
    actions.REMINDER_RESUME: reminders.on_list_button,
    actions.REMINDER_DELETE: reminders.on_list_button,
    actions.REMINDER_PRESET: reminders.on_preset_button,
    actions.TIMEZONE: reminders.on_timezone_button,
    actions.QUIET: reminders.on_quiet_button,
    actions.TIP_THANKS: tips.on_tip_button,
    actions.TIP_REPORT: tips.on_tip_button,
    actions.TIP_APPROVE: tips.on_tip_button,
    actions.TIP_REJECT: tips.on_tip_button,
    actions.TIP_REMOVE: tips.on_tip_button,
    actions.TIP_DELETE: tips.on_tip_button,
    actions.TIP_MORE: tips.on_tip_button,
    actions.FORGET: privacy.on_forget_button,
}

BY_NAME: dict[str, CommandSpec] = {c.name: c for c in COMMANDS}

__all__ = ["ACTIONS", "ALIASES", "BY_NAME", "COMMANDS", "ArgSpec", "CommandSpec"]
