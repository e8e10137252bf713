"""Content-Security-Policy: only the app's own files run, so no template may carry inline script."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>|\son[a-z]+=\"", re.I)


def test_every_page_sends_the_policy(client: Client, cast: SimpleNamespace) -> None:
    for url in ("/", "/track/", "/login/"):
        policy = client.get(url)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    client.force_login(cast.coordinator)
    assert "frame-ancestors 'none'" in client.get("/problems/")["Content-Security-Policy"]


def test_no_template_has_inline_script_or_event_handlers() -> None:
    offenders = []
    for template in ROOT.glob("**/templates/**/*.html"):
        for number, line in enumerate(template.read_text(encoding="utf-8").splitlines(), start=1):
            if INLINE.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}")
    assert not offenders, offenders
