"""The parts of the Discord adapter; `adapters.discord_bot` puts them together.

- `events`: an interaction becomes a core `Command` or `ButtonPress` (who, where, moderator?).
- `render`: a core `Reply` becomes Discord messages (escaped markdown, embeds, buttons, files).
- `delivery`: where messages are sent and edited (interaction replies, the outbox) and how
  Discord's errors map to the core's.
"""
