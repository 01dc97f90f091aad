"""Errors every adapter raises the same way, so the `knotbot` command reports them in one line."""


class TokenRejected(RuntimeError):
    """The platform refused the bot token. The message names the setting, never the token."""
