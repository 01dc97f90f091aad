"""knotbot on Telegram (python-telegram-bot). The same files as adapters/discord/:

- `app`: the Application built from settings, start and stop (the only owner of the core's
  start and shutdown), start-up retry, and `run`, which `knotbot run telegram` calls.
- `events`: an update becomes one core event (who, where, moderator or not) for `Knotbot.handle`.
- `replier`: the core's Replier for one update (answers in its chat, on a pressed message).
- `delivery`: sending, splitting and editing messages; the Outbox for holds and reminders;
  Telegram's errors as the core's (`to_delivery_error`).
- `render`: a core Reply as Telegram HTML and an inline keyboard.
- `menu`: the command menu, from the core's command table (Discord's counterpart: `slash`).
- `ordering`: one chat's updates in order, different chats at once.
"""
