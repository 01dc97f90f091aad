"""Command options as Discord's client sends them: typed values in definition order, nested
under subcommands, with ``resolved`` users, members, roles and channels.

Things a user could not type in the Discord client raise AssertionError instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tests.standins.discord_api.commands import CommandsMixin
from tests.standins.discord_api.models import ALL_PERMISSIONS
from tests.standins.discord_api.payloads import member_payload, role_payload

# Option types of application commands.
_SUBCOMMAND, _GROUP = 1, 2
_STRING, _INTEGER, _BOOLEAN, _USER, _CHANNEL, _ROLE, _MENTIONABLE, _NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


class OptionsMixin(CommandsMixin):
    """Builds the ``data`` of chat-input and autocomplete interactions."""

    def _command_data(
        self,
        name: str,
        options: Mapping[str, Any] | Sequence[Mapping[str, Any]],
        subcommand: str | None,
        guild_id: int | None,
        *,
        focused: tuple[str, str] | None,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        definition, scope = self._find_command(name, guild_id)
        resolved: dict[str, dict[str, Any]] = {}
        level = definition
        path: list[dict[str, Any]] = []
        for part in (subcommand or "").split():
            child = next(
                (o for o in level.get("options", []) if o["name"] == part and o["type"] in (1, 2)),
                None,
            )
            if child is None:
                raise AssertionError(f"/{name} has no subcommand or group {part!r}")
            path.append(child)
            level = child
        if any(o["type"] in (1, 2) for o in level.get("options", [])):
            raise AssertionError(
                f"/{name} {subcommand or ''} needs a subcommand".replace("  ", " ")
            )

        if isinstance(options, Mapping):
            leaf = self._encode_options(name, level, options, resolved, guild_id, focused)
        else:
            leaf = [dict(o) for o in options]

        for node in reversed(path):
            leaf = [{"type": node["type"], "name": node["name"], "options": leaf}]
        data: dict[str, Any] = {
            "id": definition["id"],
            "name": name,
            "type": 1,
            "options": leaf,
        }
        if scope is not None:
            data["guild_id"] = str(scope)
        if resolved:
            data["resolved"] = resolved
        return data, definition

    def _encode_options(
        self,
        command_name: str,
        level: Mapping[str, Any],
        values: Mapping[str, Any],
        resolved: dict[str, dict[str, Any]],
        guild_id: int | None,
        focused: tuple[str, str] | None,
    ) -> list[dict[str, Any]]:
        defs = {o["name"]: o for o in level.get("options", [])}
        given = dict(values)
        if focused is not None:
            fname, _ = focused
            if fname not in defs:
                raise AssertionError(
                    f"/{command_name} has no option {fname!r} (has {sorted(defs)})"
                )
            if not defs[fname].get("autocomplete"):
                raise AssertionError(f"option {fname!r} of /{command_name} has no autocomplete")
            given.pop(fname, None)
        unknown = set(given) - set(defs)
        if unknown:
            raise AssertionError(
                f"/{command_name} has no options {sorted(unknown)} (has {sorted(defs)})"
            )
        if focused is None:
            missing = [n for n, d in defs.items() if d.get("required") and n not in given]
            if missing:
                raise AssertionError(f"/{command_name} is missing required options {missing}")
        encoded: list[dict[str, Any]] = []
        for opt_name, opt in defs.items():  # Discord sends options in definition order
            if focused is not None and opt_name == focused[0]:
                encoded.append(
                    {
                        "type": opt["type"],
                        "name": opt_name,
                        "value": str(focused[1]),
                        "focused": True,
                    }
                )
            elif opt_name in given:
                value = self._encode_value(command_name, opt, given[opt_name], resolved, guild_id)
                encoded.append({"type": opt["type"], "name": opt_name, "value": value})
        return encoded

    def _encode_value(
        self,
        command_name: str,
        opt: Mapping[str, Any],
        value: Any,
        resolved: dict[str, dict[str, Any]],
        guild_id: int | None,
    ) -> Any:
        kind = opt["type"]
        if kind == _STRING:
            encoded: Any = str(value)
        elif kind == _INTEGER:
            encoded = int(value)
        elif kind == _NUMBER:
            encoded = float(value)
        elif kind == _BOOLEAN:
            encoded = (
                value if isinstance(value, bool) else str(value).lower() in {"1", "true", "yes"}
            )
        elif kind in (_USER, _MENTIONABLE) and int(value) in self._users:
            encoded = str(int(value))
            uid = int(value)
            resolved.setdefault("users", {})[encoded] = self._users[uid]
            if guild_id is not None and uid in self._guild(guild_id).members:
                guild = self._guild(guild_id)
                member = member_payload(guild, guild.members[uid], self._users)
                member.pop("user")
                member["permissions"] = str(guild.permissions(guild.members[uid].roles))
                resolved.setdefault("members", {})[encoded] = member
        elif (
            kind in (_ROLE, _MENTIONABLE)
            and guild_id is not None
            and int(value) in self._guild(guild_id).roles
        ):
            encoded = str(int(value))
            resolved.setdefault("roles", {})[encoded] = role_payload(
                self._guild(guild_id).roles[int(value)]
            )
        elif (
            kind == _CHANNEL
            and guild_id is not None
            and int(value) in self._guild(guild_id).channels
        ):
            encoded = str(int(value))
            spec = self._guild(guild_id).channels[int(value)]
            resolved.setdefault("channels", {})[encoded] = {
                "id": encoded,
                "name": spec.name,
                "type": spec.type,
                "permissions": str(ALL_PERMISSIONS),
                "parent_id": str(spec.parent_id) if spec.parent_id else None,
            }
        else:
            raise AssertionError(
                f"option {opt['name']!r} of /{command_name} (type {kind}) cannot take {value!r}"
            )
        choices = opt.get("choices")
        offered = [c["value"] for c in choices or ()]
        if offered and encoded not in offered:
            raise AssertionError(f"option {opt['name']!r} of /{command_name} only offers {offered}")
        return encoded
