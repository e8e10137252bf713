"""The public-only face (TAIZHANG_FACE=public): the URLconf of a process on the internet-facing host.

Only what the public may open is here; every staff page, the admin, the login and the internal API are
simply absent, so they answer 404 (tested by taizhang/public/tests/test_face.py, which walks every internal
URL pattern). Static files are served by WhiteNoise's middleware, not by a URL. To publish another public
page, add its URLconf to PUBLIC_URLCONFS and its API router to PUBLIC_API_ROUTERS — nothing else."""

from __future__ import annotations

from importlib.util import find_spec

from django.http import Http404
from django.urls import URLPattern, URLResolver, include, path
from ninja import Router, Swagger
from ninja.errors import HttpError, ValidationError

from taizhang.api import (
    ChineseJSONRenderer,
    TaizhangAPI,
    on_action_error,
    on_http_error,
    on_not_found,
    on_validation_error,
)
from taizhang.api_common import JsonOrFormParser
from taizhang.errors import ActionError
from taizhang.public import views
from taizhang.public.api import public_router
from taizhang.public.urls import public_urlpatterns

# ---- the list to extend: public pages of other apps, and their public API routers ----------------------------
PUBLIC_URLCONFS = [
    "taizhang.disclosure.public_urls",  # 公示 list, detail, JSON feed and Open311
    "taizhang.followup.public_urls",  # the follow page's rating form (回访)
    "taizhang.assessment.public_urls",  # 民主评议: the public's survey link and the named raters' own links
]


def _exists(module: str) -> bool:
    try:
        return find_spec(module) is not None
    except ModuleNotFoundError:  # its package is not there either
        return False


def _public_api_routers() -> list[tuple[str, Router]]:
    routers = [("/public", public_router())]
    if _exists("taizhang.disclosure.api"):
        from taizhang.disclosure.api import router as disclosure_router

        routers.append(("/public/disclosures", disclosure_router))
    return routers


# ----------------------------------------------------------------------------------------------------------------

public_api = TaizhangAPI(
    title="台账 群众端接口",
    version="1",
    description="无需登录的群众端接口：提交反映、凭查询码查询办理进度、公示。",
    renderer=ChineseJSONRenderer(),
    parser=JsonOrFormParser(),
    auth=None,
    docs=Swagger(settings={"validatorUrl": None}),
    docs_url=None,  # the internet-facing host publishes no API browser
    openapi_url=None,
    urls_namespace="public_api",
)
for prefix, router in _public_api_routers():
    public_api.add_router(prefix, router)
for error, handler in (
    (ActionError, on_action_error),
    (HttpError, on_http_error),
    (ValidationError, on_validation_error),
    (Http404, on_not_found),
):
    public_api.add_exception_handler(error, handler)  # type: ignore[arg-type]

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.front_page, name="public_front"),
    *public_urlpatterns,
    path("api/v1/", public_api.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # the language switch
    *[path("", include(urlconf)) for urlconf in PUBLIC_URLCONFS if _exists(urlconf)],
]

handler404 = views.not_found
handler500 = views.server_error
