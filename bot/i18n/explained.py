"""An exception whose message is a catalog sentence with its values, so whoever catches it
says it in the person's language (`exc.said(ctx.t)`); `str(exc)` stays the English."""

from __future__ import annotations

from typing import Any

from bot.i18n.translator import Translator


class Explained(Exception):
    """Raise with an English sentence marked `N_(...)` and its values:
    `raise ParseError(N_("Up to %(most)d times a day, please."), most=12)`."""

    def __init__(self, message: str, **values: Any) -> None:
        super().__init__(message % values if values else message)
        self.message = message
        self.values = values

    def said(self, t: Translator) -> str:
        """The message in `t`'s language."""
        sentence = t.gettext(self.message)
        return sentence % self.values if self.values else sentence
