"""The ledger on landscape A4 for the browser to print (the same filters as the list), as an office files it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from taizhang.clock import now
from taizhang.problems.filters import ledger_queryset
from taizhang.web.http import AuthedHttpRequest

PRINT_ROWS = 2000  # more than this is a file to export, not a page to print


@login_required
def ledger_print(request: AuthedHttpRequest) -> HttpResponse:
    form, qs = ledger_queryset(request.user, request.GET)
    rows = list(qs.select_related("category", "lead_unit")[: PRINT_ROWS + 1]) if form.is_valid() else []
    context = {
        "rows": rows[:PRINT_ROWS],
        "truncated": len(rows) > PRINT_ROWS,
        "limit": PRINT_ROWS,
        "as_of": now(),
        "form": form,
    }
    return render(request, "problems/ledger_print.html", context, status=200 if form.is_valid() else 400)
