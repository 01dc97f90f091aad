"""Every sentence knotbot says in English, for translators: `python -m bot.i18n.extract`
writes the template `knotbot.pot` (then `pybabel update` brings each catalog up to date).

Sentences come from the code (`t.gettext(...)`, `t.ngettext(...)`, `N_(...)`) and from the
command table (each command's description, usage and fields), which menus and /help show.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from bot.commands.spec import CommandSpec

ROOT = Path(__file__).resolve().parents[1]  # the `bot` package
KEYWORDS = {"gettext": None, "ngettext": (1, 2), "N_": None}

Message = str | tuple[str, str]


def code_messages(root: Path = ROOT) -> Iterator[tuple[Message, str]]:
    """(message, "file:line") for each marked sentence under `root`."""
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        yield message, f"{filename}:{lineno}"


def command_messages(commands: Iterable[CommandSpec]) -> Iterator[tuple[str, str]]:
    """The texts of the command table: what menus, slash commands and /help show."""
    for spec in commands:
        where = f"command /{spec.name}"
        texts = [spec.description, spec.usage]
        if spec.arg is not None:
            texts.append(spec.arg.description)
        for sub in spec.subcommands:
            texts += [sub.description, sub.usage]
            texts += [a.description for a in (sub.arg, sub.option) if a is not None]
        for said in texts:
            if said:
                yield said, where


def template(commands: Iterable[CommandSpec]) -> Catalog:
    catalog = Catalog(project="knotbot", domain="knotbot")
    for message, where in [*code_messages(), *command_messages(commands)]:
        catalog.add(message, locations=[(where, None)])
    return catalog


def main(out: str = "knotbot.pot") -> None:
    from bot.commands import COMMANDS

    with open(out, "wb") as file:
        write_po(file, template(COMMANDS), width=100)
    print(f"wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
