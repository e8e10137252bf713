"""Staff pages of the public face: the QR-code posters each unit prints for its gate or door, and the photos
the public sent (seen by whoever may open the opinion)."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from taizhang.accounts.models import Unit
from taizhang.intake.access import access_opinion_by_id
from taizhang.problems.access import FILE_POLICY, can_triage
from taizhang.public.actions import public_units
from taizhang.public.models import OpinionPhoto
from taizhang.public.poster import encoded, poster_font, poster_image, qr_svg, submit_url
from taizhang.web.http import AuthedHttpRequest

CONTENT_TYPES = {"png": "image/png", "pdf": "application/pdf"}


def _poster_unit(request: AuthedHttpRequest, pk: int) -> Unit:
    if not can_triage(request.user):
        raise PermissionDenied(gettext("只有牵头部门和系统管理员可以制作二维码海报。"))
    unit = next((u for u in public_units() if u.pk == pk), None)
    if unit is None:
        raise Http404(gettext("单位不存在或已停用。"))
    return unit


def poster_lines() -> list[str]:
    return [
        gettext("扫码反映问题，可匿名，可附照片"),
        gettext("每条反映都有查询码，办理进度和结果随时可查"),
        gettext("反映人信息严格保密，被反映单位看不到"),
    ]


@login_required
def poster_list(request: AuthedHttpRequest) -> HttpResponse:
    if not can_triage(request.user):
        raise PermissionDenied(gettext("只有牵头部门和系统管理员可以制作二维码海报。"))
    context = {"units": public_units(), "has_font": poster_font() is not None}
    return render(request, "public/posters.html", context)


@login_required
def poster_print(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    unit = _poster_unit(request, pk)
    url = submit_url(request, unit)
    context = {"unit": unit, "url": url, "qr": qr_svg(url), "lines": poster_lines()}
    return render(request, "public/poster_print.html", context)


@login_required
def poster_file(request: AuthedHttpRequest, pk: int, kind: str) -> FileResponse:
    unit = _poster_unit(request, pk)
    if kind not in CONTENT_TYPES:
        raise Http404()
    image = poster_image(unit, submit_url(request, unit), title=gettext("群众意见征集"), lines=poster_lines())
    filename = gettext("二维码海报-%(unit)s.%(kind)s") % {"unit": unit.name, "kind": kind}
    return FileResponse(
        io.BytesIO(encoded(image, kind)), as_attachment=True, filename=filename, content_type=CONTENT_TYPES[kind]
    )


@login_required
def opinion_photo(request: AuthedHttpRequest, pk: int) -> FileResponse:
    """A photo sent with a public opinion, for staff who may open that opinion (404 for anyone else)."""
    photo = OpinionPhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404(gettext("照片不存在。"))
    access_opinion_by_id(request.user, photo.opinion_id)
    response = FileResponse(photo.file.open("rb"), content_type="image/jpeg")
    response["Content-Disposition"] = f'inline; filename="photo-{photo.pk}.jpg"'
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = FILE_POLICY
    return response
