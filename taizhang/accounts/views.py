"""A user changes their own password (and must, before anything else, when an administrator set it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from taizhang.accounts import sessions, twofactor
from taizhang.accounts.models import User
from taizhang.audit.events import record_event
from taizhang.audit.models import Verb


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()  # validators run, history kept (accounts.passwords)
            User.objects.filter(pk=user.pk).update(must_change_password=False)
            record_event(Verb.PASSWORD_CHANGED, actor=user, summary=user.get_username())
        # This session stays (with a new key); every other session of the user ends with the old password's hash.
        update_session_auth_hash(request, form.user)
        request.session.cycle_key()
        sessions.start(request)
        messages.success(request, gettext("密码已修改。其他设备上的登录已失效。"))
        return redirect("home")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "must": user.must_change_password, "two_factor": twofactor.enrolled(user)}
    return render(request, "registration/password_change.html", context, status=status)
