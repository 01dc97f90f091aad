"""knotbot on Discord (discord.py). The same files as adapters/telegram/:

- `app`: the client built from settings, start and stop (the only owner of the core's start
  and shutdown), start-up retry, and `run`, which `knotbot run discord` calls.
- `events`: an interaction becomes one core event (who, where, moderator or not) for
  `Knotbot.handle`; interactions wait until the core has started.
- `replier`: the core's Replier for one interaction (responses, deferrals, follow-ups).
- `delivery`: sending and editing messages, by interaction token while it lasts and through the
  channel after; the Outbox for holds and reminders; Discord's errors as the core's
  (`to_delivery_error`).
- `render`: a core Reply as Discord messages (escaped markdown, embeds, buttons, files).
- `slash`: the slash commands, generated from the core's command table (Telegram's
  counterpart: `menu`).
"""
