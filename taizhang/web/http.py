"""Small helpers shared by the HTML views."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from taizhang.accounts.models import User
from taizhang.errors import ActionError


class AuthedHttpRequest(HttpRequest):
    """A request behind login_required: its user is one of ours, never AnonymousUser."""

    user: User


def report_action_error(request: HttpRequest, form: forms.Form | None, exc: ActionError) -> int:
    """Show an action's refusal on the page and on the form's fields; return the HTTP status to answer with."""
    messages.error(request, exc.message)
    if form is not None:
        for field, errors in exc.field_errors.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    return exc.status_code
