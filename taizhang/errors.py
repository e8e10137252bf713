"""Errors the actions raise; views and the API turn them into 4xx answers with the message, in the user's language."""

from __future__ import annotations

from django.utils.translation import gettext


class ActionError(Exception):
    """Input or state that the action refuses. Carries field errors where a field is to blame."""

    status_code = 400

    def __init__(self, message: str, *, field_errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}


class NotAllowed(ActionError):
    status_code = 403


class Conflict(ActionError):
    """Someone else changed the record since the form was opened (optimistic locking)."""

    status_code = 409

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or gettext("该记录已被他人修改，请刷新页面后重试。"))


class InvalidTransition(ActionError):
    status_code = 409
