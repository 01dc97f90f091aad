"""Injected failures: make the next calls of a method answer with a Bot API error."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.standins.telegram_api.base import StandInBase
from tests.standins.telegram_api.models import DEFAULT_ERROR_DESCRIPTIONS, ApiError, Json


@dataclass
class _FailRule:
    method: str
    error_code: int
    description: str
    retry_after: int | None
    remaining: int
    chat_id: int | None

    def matches(self, method: str, params: Json) -> bool:
        if self.method != method.lower() or self.remaining <= 0:
            return False
        return self.chat_id is None or str(params.get("chat_id")) == str(self.chat_id)


class FailureInjection(StandInBase):
    """:meth:`fail_next` queues error answers; the server raises them before the method runs."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._fail_rules: list[_FailRule] = []

    def fail_next(
        self,
        method: str,
        *,
        error_code: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (optionally to ``chat_id``) fail.

        ``description`` defaults to Telegram's usual text for the code (429 gets
        "Too Many Requests: retry after N"). ``retry_after`` ends up in ``parameters``.
        """
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after or 1}"
            else:
                description = DEFAULT_ERROR_DESCRIPTIONS.get(error_code, f"Error {error_code}")
        self._fail_rules.append(
            _FailRule(method.lower(), error_code, description, retry_after, times, chat_id)
        )

    def _raise_injected(self, method: str, params: Json) -> None:
        for rule in self._fail_rules:
            if rule.matches(method, params):
                rule.remaining -= 1
                if rule.remaining <= 0:
                    self._fail_rules.remove(rule)
                parameters = {"retry_after": rule.retry_after} if rule.retry_after else None
                raise ApiError(rule.error_code, rule.description, parameters)
