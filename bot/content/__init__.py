"""Content: body areas, techniques, hold plans, reminder texts and safety text, from data files."""

from bot.content.library import ContentLibrary, Lookup
from bot.content.loader import ContentError, ContentProblem, load_content

__all__ = ["ContentError", "ContentLibrary", "ContentProblem", "Lookup", "load_content"]
