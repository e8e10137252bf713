"""Looking an opinion up by its receipt code, for anyone: limited per address and per code, and answering
the same for a code that does not exist as for one that could not be a code (never reveal existence)."""

from __future__ import annotations

import contextlib

from django.http import HttpRequest

from taizhang.intake.models import Opinion
from taizhang.lib.codes import normalise_receipt_code
from taizhang.public.limits import Counter, RateLimited, client_ip, hit_all
from taizhang.public.snapshots import PublicPage, kept_page, page_for


def access_opinion_by_code(request: HttpRequest, typed: str) -> Opinion | None:
    """The opinion for a typed code, or None. Raises RateLimited (429) when this address has looked up too
    many codes, or too many that did not exist, or this code has been looked up too often."""
    code = _count_lookup(request, typed)
    # A malformed code still costs one query, so the answer takes as long as for an unknown one.
    opinion = Opinion.with_code(code or "-").select_related("timeline_snapshot").first()
    if opinion is None:
        _count_miss(request)
    else:
        opinion.remember_code(code)  # shown as looked up (a code issued before codes were derived has no seed)
    return opinion


def access_page_by_code(request: HttpRequest, typed: str) -> PublicPage | None:
    """The follow page for a typed code, or None, with the same limits as access_opinion_by_code: its kept
    page in one query when that is current, else the opinion loaded and its page built."""
    code = _count_lookup(request, typed)
    found = kept_page(code or "-")
    if found is None:
        _count_miss(request)
        return None
    opinion_id, page = found
    if page is not None:
        return page
    opinion = Opinion.objects.select_related("timeline_snapshot").get(pk=opinion_id)
    opinion.remember_code(code)
    return page_for(opinion)


def _count_lookup(request: HttpRequest, typed: str) -> str:
    ip = client_ip(request)
    code = normalise_receipt_code(typed)
    Counter("track_miss_ip", ip).check()
    hit_all(Counter("track_ip", ip), Counter("track_code", code or typed.strip().upper()[:40]))
    return code


def _count_miss(request: HttpRequest) -> None:
    with contextlib.suppress(RateLimited):  # counted; the next lookup from here is refused
        Counter("track_miss_ip", client_ip(request)).hit()
