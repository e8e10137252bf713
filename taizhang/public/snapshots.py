"""The follow page kept ready: a reporter who checks their code again reads one row (joined to the opinion
lookup itself) instead of rebuilding the timeline from the audit trail.

Correctness rests on one rule: whatever changes a public timeline writes an audit event on the opinion or on
one of its problems (every action does; see taizhang.audit.events). Each such event raises the `generation` of
the snapshots it touches — inside the action's transaction (its own connection sees it at once) and again once
the transaction has committed. A snapshot is used only while `built_generation == generation`.

Why the second raise, after commit: a reader may build a timeline from the state *before* a write commits and
store it afterwards. Its store is conditional on the generation it started from, and the reader creates the
row before building, so the post-commit raise either reaches the row before the store (the store then
finds another generation and writes nothing) or after it (the snapshot is then stale by generation). Either
way no stale snapshot is served.

Each language keeps the timeline as data (for the API and the rating form) and the page's two timeline cards as
rendered HTML (our own template's output, escaped when it was rendered), so a look renders only the page frame.

What bypasses the trail (an administrator renaming a unit in the admin, say) is bounded by an age limit:
settings.TAIZHANG_PUBLIC_TIMELINE_SECONDS (default one day; 0 turns snapshots off)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from taizhang.audit.models import AuditEvent
from taizhang.clock import now
from taizhang.intake.models import Opinion, OpinionLink
from taizhang.intake.personal import receipt_hash
from taizhang.public.models import TimelineSnapshot
from taizhang.public.timeline import PublicProblem, PublicTimeline, Step, public_timeline

DEFAULT_SECONDS = 86400
CHUNK = 500
FORMAT = 6  # raise when the stored shape or what it shows changes (masking): older snapshots are rebuilt, never misread

# The whole follow page is kept too, with markers where each look puts its own values (fill_page): the CSRF token
# of the language switch and rating form, the address to come back to, and the code as typed.
CSRF_MARK, NEXT_MARK, CODE_MARK = "TZKEPTCSRF7f3a9", "TZKEPTNEXT7f3a9", "TZKEPTCODE7f3a9"
# The receipt code is kept nowhere in plain text (taizhang.intake.personal), kept pages included: they hold this
# marker where the timeline shows the code, and each look puts back the code it was looked up by (with_code).
RECEIPT_MARK = "TZKEPTRCPT7f3a9"


@dataclass(frozen=True)
class PublicPage:
    """What the follow page shows of one opinion: the timeline, its two cards rendered, and the whole page with
    markers (see fill_page)."""

    timeline: PublicTimeline
    html: SafeString
    full: str = ""


class _MarkedRequest:
    method = "GET"

    def get_full_path(self) -> str:
        return NEXT_MARK


def marked_request() -> _MarkedRequest:
    """What a kept page's template sees as its request: a GET whose address is the return-address marker."""
    return _MarkedRequest()


def fill_page(full: str, *, csrf_token: str, next_path: str, typed: str) -> str:
    """The kept page for one look: the markers replaced by this request's values, escaped as the template would."""
    return (
        full.replace(CSRF_MARK, escape(csrf_token))
        .replace(NEXT_MARK, escape(next_path))
        .replace(CODE_MARK, escape(typed))
    )


def lifetime() -> int:
    return int(getattr(settings, "TAIZHANG_PUBLIC_TIMELINE_SECONDS", DEFAULT_SECONDS))


def timeline_for(opinion: Opinion) -> PublicTimeline:
    """The opinion's public timeline (the API's and the rating form's), kept or built."""
    return page_for(opinion).timeline


def page_for(opinion: Opinion) -> PublicPage:
    """The opinion's follow page, from its snapshot when that is current, else built and stored.
    `opinion` should come with `select_related("timeline_snapshot")` (access_opinion_by_code does that)."""
    seconds = lifetime()
    code = opinion.receipt_code
    if seconds <= 0:
        return with_code(_build(_marked(public_timeline(opinion)))[0], code)
    language = _language()
    try:
        snapshot: TimelineSnapshot | None = opinion.timeline_snapshot
    except ObjectDoesNotExist:
        snapshot = None
    moment = now()
    current = (
        snapshot is not None
        and snapshot.built_generation == snapshot.generation
        and snapshot.built_at is not None
        and moment - snapshot.built_at < dt.timedelta(seconds=seconds)
        and snapshot.payload.get("format") == FORMAT
    )
    if current and snapshot is not None and language in snapshot.payload:
        return with_code(_page(snapshot.payload[language]), code)
    if snapshot is None:  # the row first, then the state it describes (see the module's docstring)
        TimelineSnapshot.objects.bulk_create([TimelineSnapshot(opinion=opinion)], ignore_conflicts=True)
    generation = snapshot.generation if snapshot is not None else 0
    page, stored = _build(_marked(public_timeline(opinion)))
    kept = dict(snapshot.payload) if current and snapshot is not None else {"format": FORMAT}
    kept[language] = stored
    TimelineSnapshot.objects.filter(pk=opinion.pk, generation=generation).update(
        payload=kept, built_generation=generation, built_at=moment
    )
    return with_code(page, code)


def kept_page(code: str) -> tuple[int, PublicPage | None] | None:
    """The follow page's fast path, one hand-written query on the code's hash (no ORM compilation on every look):
    None when no opinion has this code, else its id and its kept page if that is current in this language (else
    None: build it with page_for)."""
    seconds = lifetime()
    opinion_table = connection.ops.quote_name(Opinion._meta.db_table)
    snapshot_table = connection.ops.quote_name(TimelineSnapshot._meta.db_table)
    fresh_after = connection.ops.adapt_datetimefield_value(now() - dt.timedelta(seconds=max(seconds, 0)))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.id, CASE WHEN s.built_generation = s.generation AND s.built_at > %s THEN s.payload END "
            f"FROM {opinion_table} o LEFT JOIN {snapshot_table} s ON s.opinion_id = o.id WHERE o.receipt_hash = %s",
            [fresh_after, receipt_hash(code)],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    opinion_id, payload = row
    if seconds <= 0 or payload is None:
        return int(opinion_id), None
    data = json.loads(payload) if isinstance(payload, str | bytes) else payload
    entry = data.get(_language()) if data.get("format") == FORMAT else None
    return int(opinion_id), (with_code(_page(entry), code) if entry else None)


def _marked(timeline: PublicTimeline) -> PublicTimeline:
    return dataclasses.replace(timeline, receipt_code=RECEIPT_MARK)


def with_code(page: PublicPage, code: str) -> PublicPage:
    """A page built with the receipt-code marker, showing `code`."""
    shown = escape(code)
    return PublicPage(
        dataclasses.replace(page.timeline, receipt_code=code),
        mark_safe(page.html.replace(RECEIPT_MARK, shown)),
        page.full.replace(RECEIPT_MARK, shown),
    )


def _language() -> str:
    return get_language() or settings.LANGUAGE_CODE


def _build(timeline: PublicTimeline) -> tuple[PublicPage, dict[str, Any]]:
    html = render_to_string("public/_timeline.html", {"timeline": timeline})
    context = {
        "timeline": timeline,
        "timeline_html": mark_safe(html),
        "form": {"code": {"value": CODE_MARK}},
        "csrf_token": CSRF_MARK,
        "request": _MarkedRequest(),
    }
    full = render_to_string("public/track.html", context)
    return PublicPage(timeline, mark_safe(html), full), {"data": to_json(timeline), "html": html, "page": full}


def _page(entry: dict[str, Any]) -> PublicPage:
    # Our templates' own output, escaped when it was rendered.
    return PublicPage(from_json(entry["data"]), mark_safe(entry["html"]), str(entry.get("page", "")))


def outdate(opinion_ids: Iterable[int], problem_ids: Iterable[int]) -> None:
    """Raise the generation of the snapshots of these opinions and of every opinion linked to these problems."""
    opinions, problems = sorted(set(opinion_ids)), sorted(set(problem_ids))
    for start in range(0, max(len(opinions), len(problems)), CHUNK):
        some_opinions, some_problems = opinions[start : start + CHUNK], problems[start : start + CHUNK]
        linked = OpinionLink.objects.filter(problem_id__in=some_problems).values("opinion_id")
        TimelineSnapshot.objects.filter(Q(pk__in=some_opinions) | Q(pk__in=linked)).update(
            generation=F("generation") + 1
        )


def on_events_appended(sender: Any, events: list[AuditEvent], **kwargs: Any) -> None:
    opinions = [e.opinion_id for e in events if e.opinion_id]
    problems = [e.problem_id for e in events if e.problem_id]
    if not opinions and not problems:
        return
    outdate(opinions, problems)
    transaction.on_commit(lambda: outdate(opinions, problems))


def _when(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def to_json(timeline: PublicTimeline) -> dict[str, Any]:
    return {
        "receipt_code": timeline.receipt_code,
        "received_at": _when(timeline.received_at),
        "channel_label": timeline.channel_label,
        "status": timeline.status,
        "status_words": timeline.status_words,
        "answer": timeline.answer,
        "rating_open": timeline.rating_open,
        "steps": [[_when(s.at), s.title, s.detail] for s in timeline.steps],
        "problems": [
            {
                "number": p.number,
                "status": p.status,
                "status_label": p.status_label,
                "status_words": p.status_words,
                "office": p.office,
                "co_offices": p.co_offices,
                "deadline": _when(p.deadline),
                "progress_percent": p.progress_percent,
                "progress": [[_when(at), percent, note] for at, percent, note in p.progress],
                "closed_at": _when(p.closed_at),
                "result": p.result,
            }
            for p in timeline.problems
        ],
    }


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def from_json(data: dict[str, Any]) -> PublicTimeline:
    return PublicTimeline(
        receipt_code=data["receipt_code"],
        received_at=_moment(data["received_at"]),
        channel_label=data["channel_label"],
        status=data["status"],
        status_words=data["status_words"],
        answer=data["answer"],
        rating_open=data["rating_open"],
        steps=[Step(_moment(at), title, detail) for at, title, detail in data["steps"]],
        problems=[
            PublicProblem(
                number=p["number"],
                status=p["status"],
                status_label=p["status_label"],
                status_words=p["status_words"],
                office=p["office"],
                co_offices=list(p["co_offices"]),
                deadline=dt.date.fromisoformat(p["deadline"]) if p["deadline"] else None,
                progress_percent=p["progress_percent"],
                progress=[(_moment(at), percent, note) for at, percent, note in p["progress"]],
                closed_at=_moment(p["closed_at"]) if p["closed_at"] else None,
                result=p["result"],
            )
            for p in data["problems"]
        ],
    )
