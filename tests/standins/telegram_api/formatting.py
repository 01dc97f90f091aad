"""What Telegram does to a text before showing it: parse_mode, trimming, command entities.

The HTML parser follows tdlib's parse_html (td/telegram/MessageEntity.cpp): same tags, same
error texts, entity offsets in UTF-16 code units like the Bot API.
"""

from __future__ import annotations

import re
from typing import Any

from tests.standins.telegram_api.models import ApiError, Json, bad

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{1,64})?(?![A-Za-z0-9_@/])")
_HTML_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6})|(lt|gt|amp|quot));")
_HTML_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(text: str, index: int) -> tuple[str, int] | None:
    """Decode the entity starting at ``text[index] == '&'``; None when it is not one."""
    match = _HTML_ENTITY_RE.match(text, index)
    if match is None:
        return None
    decimal, hexadecimal, named = match.groups()
    if named:
        return _HTML_NAMED[named], match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[Json]]:
    """Parse Telegram HTML into (plain text, entities); raise ApiError 400 like Telegram.

    Error texts follow tdlib. ``strict`` additionally rejects a bare ``>`` and a ``&`` that
    starts no entity, which Telegram would display literally (see the package docstring).
    """

    def fail(reason: str) -> ApiError:
        return bad(f"can't parse entities: {reason}")

    out: list[str] = []
    offset = 0  # UTF-16 offset into the plain text, as Telegram counts entity offsets
    stack: list[tuple[str, str, int, int]] = []  # (tag, argument, utf16 offset, entity index)
    entities: list[Json | None] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "&":
            decoded = _decode_html_entity(text, i)
            if decoded is not None:
                out.append(decoded[0])
                offset += _utf16_len(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise fail(
                    f'Unescaped "&" at byte offset {_byte_offset(text, i)} '
                    "(stand-in strict_html; Telegram would show it literally)"
                )
        if char == ">" and strict:
            raise fail(
                f'Unescaped ">" at byte offset {_byte_offset(text, i)} '
                "(stand-in strict_html; Telegram would show it literally)"
            )
        if char != "<":
            out.append(char)
            offset += _utf16_len(char)
            i += 1
            continue

        begin = _byte_offset(text, i)
        if i + 1 < n and text[i + 1] == "/":
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {begin}")
            j = i + 2
            while j < n and not text[j].isspace() and text[j] != ">":
                j += 1
            end_name = text[i + 2 : j].lower()
            while j < n and text[j].isspace():
                j += 1
            if j >= n or text[j] != ">":
                raise fail(f"Unclosed end tag at byte offset {begin}")
            tag, argument, start, slot = stack.pop()
            if end_name and end_name != tag:
                raise fail(
                    f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                    f'found "</{end_name}>"'
                )
            length = offset - start
            if length > 0:
                entities[slot] = _html_entity(tag, argument, start, length, entities)
            i = j + 1
            continue

        j = i + 1
        while j < n and not text[j].isspace() and text[j] != ">":
            j += 1
        if j >= n:
            raise fail(f"Unclosed start tag at byte offset {begin}")
        tag = text[i + 1 : j].lower()
        if tag not in _HTML_TAGS:
            raise fail(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while text[j] != ">":
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            if text[j] == ">":
                break
            name_start = j
            while j < n and not text[j].isspace() and text[j] not in "=>":
                j += 1
            attribute = text[name_start:j].lower()
            if not attribute:
                raise fail(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            if text[j] != "=":
                if tag == "blockquote" and attribute == "expandable":
                    argument = "expandable"
                continue
            j += 1
            while j < n and text[j].isspace():
                j += 1
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            value_chars: list[str] = []
            if text[j] in "'\"":
                quote = text[j]
                j += 1
                while j < n and text[j] != quote:
                    decoded = _decode_html_entity(text, j) if text[j] == "&" else None
                    if decoded is not None:
                        value_chars.append(decoded[0])
                        j = decoded[1]
                    else:
                        value_chars.append(text[j])
                        j += 1
                if j < n:
                    j += 1
                value = "".join(value_chars)
            else:
                value_start = j
                while j < n and (text[j].isalnum() or text[j] in ".-"):
                    j += 1
                value = text[value_start:j].lower()
                if j < n and not text[j].isspace() and text[j] != ">":
                    raise fail(
                        f"Unexpected end of name token at byte offset {_byte_offset(text, j)}"
                    )
            if j >= n:
                raise fail(f"Unclosed start tag at byte offset {begin}")
            if (
                (tag == "a" and attribute == "href")
                or (tag == "tg-emoji" and attribute == "emoji-id")
                or (tag == "code" and attribute == "class" and value.startswith("language-"))
            ):
                argument = value.removeprefix("language-") if tag == "code" else value
            elif tag == "span" and attribute == "class" and value.startswith("tg-"):
                argument = value[3:]
        if tag == "span" and argument != "spoiler":
            raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if tag == "tg-emoji" and not argument:
            raise fail(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {begin}')
        stack.append((tag, argument, offset, len(entities)))
        entities.append(None)
        i = j + 1

    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return "".join(out), [e for e in entities if e is not None]


def _html_entity(
    tag: str, argument: str, offset: int, length: int, entities: list[Json | None]
) -> Json | None:
    kind = _HTML_TAGS[tag]
    entity: Json = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        if not argument:
            return None  # Telegram turns the text into a plain link, or nothing
        entity["url"] = argument
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = argument
    elif tag == "blockquote" and argument == "expandable":
        entity["type"] = "expandable_blockquote"
    elif tag == "code" and argument:
        entity["language"] = argument  # folded into an enclosing <pre> below
    elif tag == "pre":
        # <pre><code class="language-x">...</code></pre> is one pre entity with a language.
        for index, inner in enumerate(entities):
            if (
                inner is not None
                and inner["type"] == "code"
                and (inner["offset"], inner["length"]) == (offset, length)
            ):
                if "language" in inner:
                    entity["language"] = inner["language"]
                entities[index] = None
    return entity


def _trim(text: str, entities: list[Json]) -> tuple[str, list[Json]]:
    """Strip surrounding whitespace like Telegram and shift/clip entities to match."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = _utf16_len(text[: len(text) - len(text.lstrip())])
    end = _utf16_len(stripped)
    trimmed: list[Json] = []
    for entity in entities:
        start = max(entity["offset"] - lead, 0)
        stop = min(entity["offset"] + entity["length"] - lead, end)
        if stop > start:
            trimmed.append({**entity, "offset": start, "length": stop - start})
    return stripped, trimmed


def command_entities(text: str) -> list[Json]:
    return [
        {"type": "bot_command", "offset": _utf16_len(text[: m.start()]), "length": _utf16_len(m[0])}
        for m in _COMMAND_RE.finditer(text)
    ]


def format_text(
    text: Any, parse_mode: Any, entities: Any, *, limit: int, too_long: str, strict: bool
) -> tuple[str, list[Json]]:
    """Apply parse_mode like Telegram; returns the visible text and its entities."""
    text = str(text)
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        plain, parsed = parse_html(text, strict=strict)
    elif parse_mode in (None, ""):
        plain, parsed = text, list(entities) if isinstance(entities, list) else []
    elif isinstance(parse_mode, str) and parse_mode.lower() in {"markdown", "markdownv2"}:
        plain, parsed = text, []  # not parsed: see the package docstring
    else:
        raise bad(f"unsupported parse_mode {parse_mode}")
    plain, parsed = _trim(plain, parsed)
    if len(plain) > limit:
        raise bad(too_long)
    return plain, parsed
