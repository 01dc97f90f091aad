"""knotbot's adapters on the real platform clients, against the loopback stand-ins.

These tests check translation: a platform event becomes the right core event, and a core reply
arrives as the platform shows it (escaped, split where it must be, its buttons coming back as
the actions they were). What the core says is the core's business (tests/test_commands.py and
friends): here a message is compared with the core's own reply, recorded where the core hands
it over (`spy`) and rendered by the adapter's renderer, not with a copy of its sentences.

- `telegram_user`, `discord_user`: playing a person on each platform, and running the app.
- `reminders`: setting up reminders that come due during a test.
- `spy`: what the core heard and said, recorded at the boundary, for comparison.
"""
