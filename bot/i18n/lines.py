"""A translated sentence with moments in it: the catalog decides where the moment goes
("next %(moment)s", "nächste %(moment)s", "%(moment)s próximo")."""

from __future__ import annotations

import re

from bot.messages import Line, Moment

_PLACE = re.compile(r"%\((\w+)\)s")


def line_of(sentence: str, **values: str | Moment) -> Line:
    """`sentence` (already translated) with each `%(name)s` filled; a `Moment` stays a moment."""
    parts: list[str | Moment] = []
    end = 0
    for found in _PLACE.finditer(sentence):
        parts.append(sentence[end : found.start()].replace("%%", "%"))
        parts.append(values[found.group(1)])
        end = found.end()
    parts.append(sentence[end:].replace("%%", "%"))
    return Line(*(p for p in parts if p != ""))
