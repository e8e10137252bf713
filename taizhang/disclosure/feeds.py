"""Machine-readable 公示: a JSON Feed of published problems and a read-only Open311 GeoReport v2 facade
(services = categories, requests = published problems), so standard civic tools can read the public ledger.
Everything comes from the frozen, masked text of published batches; a problem published twice reads as its
newest publication."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from taizhang.disclosure.models import BatchItem, BatchState
from taizhang.disclosure.public import status_label
from taizhang.problems.models import Category, CategoryGroup

FEED_PAGE = 100
OPEN311_LIMIT = 1000
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)


def published_items() -> QuerySet[BatchItem]:
    """The newest published item of each published problem."""
    newer = BatchItem.objects.filter(
        problem=OuterRef("problem"),
        batch__state=BatchState.PUBLISHED,
        batch__published_at__gt=OuterRef("batch__published_at"),
    )
    return (
        BatchItem.objects.filter(batch__state=BatchState.PUBLISHED)
        .filter(~Exists(newer))
        .select_related("batch")
        .order_by("-batch__published_at", "position", "id")
    )


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 in Beijing time with its offset (+08:00), as the API promises."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def end_of_day(day: dt.date | None) -> str | None:
    return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=LOCAL).isoformat() if day else None


def item_url(request: HttpRequest, item: BatchItem) -> str:
    return request.build_absolute_uri(reverse("disclosure_item", args=[item.batch_id, item.pk]))


def public_fields(item: BatchItem) -> dict[str, Any]:
    """One published problem as the feed and the API give it."""
    return {
        "number": item.public_number,
        "title": item.public_title,
        "unit": item.public_unit,
        "category": item.public_category,
        "measures": item.public_measures,
        "deadline": item.public_deadline.isoformat() if item.public_deadline else None,
        "status": status_label(item.public_status),
        "closed": item.is_closed,
        "result": item.public_result,
        "rated": item.rated_count,
        "satisfaction_rate": item.satisfaction_rate,
    }


def feed(request: HttpRequest) -> JsonResponse:
    """JSON Feed 1.1 (https://jsonfeed.org), newest publication first, FEED_PAGE items a page."""
    try:
        page = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page = 1
    page = min(page, 1_000_000)
    start = (page - 1) * FEED_PAGE
    rows = list(published_items()[start : start + FEED_PAGE + 1])
    items = [
        {
            "id": f"{item.batch_id}/{item.pk}",
            "url": item_url(request, item),
            "title": f"{item.public_number} {item.public_title}",
            "content_text": "\n".join(part for part in (item.public_measures, item.public_result) if part),
            "date_published": iso(item.batch.published_at),
            "date_modified": iso(item.updated_at),
            "tags": [item.public_category, item.batch.get_kind_display()],
            "_taizhang": {**public_fields(item), "batch": item.batch.title, "batch_id": item.batch_id},
        }
        for item in rows[:FEED_PAGE]
    ]
    body: dict[str, Any] = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": gettext("问题整改公示"),
        "home_page_url": request.build_absolute_uri(reverse("disclosure_list")),
        "feed_url": request.build_absolute_uri(request.path),
        "language": "zh-CN",
        "items": items,
    }
    if len(rows) > FEED_PAGE:
        body["next_url"] = request.build_absolute_uri(f"{request.path}?page={page + 1}")
    return _json(body)


def _json(data: Any, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _open311_error(status: int, description: str) -> JsonResponse:
    return _json([{"code": status, "description": description}], status=status)


def open311_services(request: HttpRequest) -> JsonResponse:
    groups = dict(CategoryGroup.choices)
    services = [
        {
            "service_code": c.code,
            "service_name": c.name,
            "description": str(groups.get(c.group, "")),
            "metadata": False,
            "type": "realtime",
            "keywords": "",
            "group": str(groups.get(c.group, "")),
        }
        for c in Category.objects.filter(is_active=True)
    ]
    return _json(services)


def open311_request(item: BatchItem) -> dict[str, Any]:
    return {
        "service_request_id": item.public_number,
        "status": "closed" if item.is_closed else "open",
        "status_notes": item.public_result if item.is_closed else status_label(item.public_status),
        "service_name": item.public_category,
        "service_code": item.public_category_code,
        "description": item.public_title,
        "agency_responsible": item.public_unit,
        "service_notice": item.public_measures,
        "requested_datetime": iso(item.received_at),
        "updated_datetime": iso(item.updated_at),
        "expected_datetime": end_of_day(item.public_deadline),
        "address": "",
        "media_url": "",
    }


def open311_requests(request: HttpRequest) -> JsonResponse:
    """GET requests.json with the standard's filters: service_request_id (comma-separated), service_code, status,
    start_date and end_date (on requested_datetime); at most OPEN311_LIMIT, newest publication first."""
    qs = published_items()
    params = request.GET
    if ids := params.get("service_request_id"):
        qs = qs.filter(public_number__in=[i.strip() for i in ids.split(",") if i.strip()])
    if code := params.get("service_code"):
        qs = qs.filter(public_category_code=code)
    if status := params.get("status"):
        if status not in ("open", "closed"):
            return _open311_error(400, gettext("status 须为 open 或 closed。"))
        qs = qs.filter(is_closed=status == "closed")
    for name, lookup in (("start_date", "received_at__gte"), ("end_date", "received_at__lte")):
        if value := params.get(name):
            moment = parse_datetime(value)
            if moment is None:
                return _open311_error(400, gettext("%(name)s 须为 ISO 8601 时间。") % {"name": name})
            qs = qs.filter(**{lookup: moment if timezone.is_aware(moment) else moment.replace(tzinfo=LOCAL)})
    return _json([open311_request(item) for item in qs[:OPEN311_LIMIT]])


def open311_request_detail(request: HttpRequest, number: str) -> JsonResponse:
    item = published_items().filter(public_number=number).first()
    if item is None:
        return _open311_error(404, gettext("未找到该问题。"))
    return _json([open311_request(item)])
