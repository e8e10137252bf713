"""One settings file, driven by environment variables (see docs/operations.md)."""

from __future__ import annotations

import os
from pathlib import Path

import django_stubs_ext

from taizhang.lib.dburl import parse_database_url

# Lets ModelAdmin[Model] and friends be subscripted at run time, as the type checker wants them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TAIZHANG_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    # One machine, no setup: generate a key once and keep it beside the database.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _audit_key() -> str:
    """The key of the audit trail's MACs (taizhang.audit.events): from the environment, or generated once into the
    data directory like the secret key. Whoever can write the database but not read this key cannot recompute
    the chain after an edit; keep a copy with the anchors (docs/operations.md)."""
    if key := os.environ.get("TAIZHANG_AUDIT_KEY"):
        return key
    path = VAR_DIR / "audit_key"
    if not path.exists():
        import secrets

        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


TAIZHANG_AUDIT_KEY = _audit_key()


def _key_file(name: str, make: str) -> Path:
    """A key file made once, mode 600 from the start: of two processes starting together (the server and the
    scheduler on a first run) one creates it and the other reads that one, never a second key."""
    path = VAR_DIR / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        import time

        for _ in range(50):  # the other process's single write may not have landed yet
            if path.read_text().strip():
                break
            time.sleep(0.01)
        return path
    with os.fdopen(fd, "w") as out:
        out.write(make + "\n")
    return path


def _data_keys() -> list[str]:
    """The keys that encrypt reporters' personal data at rest (taizhang.intake.personal, AES-256-GCM), newest
    first: the first encrypts, the others only decrypt what a rotation has not re-encrypted yet. From
    TAIZHANG_DATA_KEY (comma-separated), else var/data_key (one a line), generated on first run like the audit key.
    Rotation: docs/operations.md (manage.py rotate_data_key)."""
    if keys := os.environ.get("TAIZHANG_DATA_KEY"):
        return [k.strip() for k in keys.split(",") if k.strip()]
    import secrets

    path = _key_file("data_key", secrets.token_hex(32))
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def _index_key() -> str:
    """The key of the keyed hashes the database keeps instead of receipt codes and phone numbers (blind indexes):
    TAIZHANG_INDEX_KEY, else var/index_key generated on first run. Never rotated: receipt codes are derived from it."""
    if key := os.environ.get("TAIZHANG_INDEX_KEY"):
        return key
    import secrets

    return _key_file("index_key", secrets.token_hex(32)).read_text().strip()


TAIZHANG_DATA_KEYS = _data_keys()
TAIZHANG_DATA_KEY_FILE = VAR_DIR / "data_key"
TAIZHANG_INDEX_KEY = _index_key()
# Daily anchors of the chain's head (taizhang.audit.anchors), one JSON line each, for safekeeping outside the system.
TAIZHANG_AUDIT_ANCHORS = Path(os.environ.get("TAIZHANG_AUDIT_ANCHORS", VAR_DIR / "audit-anchors.jsonl"))
DEBUG = _env_bool("DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
# Django's own CSRF page is bare English-titled HTML with no way back; ours is Chinese, in the face's layout.
CSRF_FAILURE_VIEW = "taizhang.web.csrf.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "taizhang.accounts",
    "taizhang.audit",
    "taizhang.campaigns",
    "taizhang.problems",
    "taizhang.intake",
    "taizhang.triage",
    "taizhang.supervision",
    "taizhang.imports",
    "taizhang.public",
    "taizhang.disclosure",
    "taizhang.followup",
    "taizhang.assessment",
    "taizhang.reports",
    "taizhang.dashboard",
    "taizhang.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese by default; English only when chosen on the language switch (cookie), never from Accept-Language.
    "taizhang.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "taizhang.accounts.sessions.SessionPolicyMiddleware",
    # Every 403, and every 404 that hid a record from its asker, is an audit event (rate-limited per asker and route).
    "taizhang.audit.denials.DeniedAccessMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "taizhang.web.middleware.SecurityHeadersMiddleware",
]

# Two faces (docs/operations.md): "internal" serves everything; "public" (a DMZ host on the internet) serves
# only the public pages and /api/v1/public/ — every staff URL answers 404 there.
TAIZHANG_FACE = os.environ.get("TAIZHANG_FACE", "internal")
if TAIZHANG_FACE not in ("internal", "public"):
    raise ValueError(f"TAIZHANG_FACE must be 'internal' or 'public', not {TAIZHANG_FACE!r}")
ROOT_URLCONF = "taizhang.public.face_urls" if TAIZHANG_FACE == "public" else "taizhang.urls"
# Where the public reaches the public face (QR posters point there); empty: the address a poster was made at.
TAIZHANG_PUBLIC_BASE_URL = os.environ.get("TAIZHANG_PUBLIC_BASE_URL", "")
# The staff login that the public face's footer links to (it has none of its own); empty: no link.
TAIZHANG_STAFF_URL = os.environ.get("TAIZHANG_STAFF_URL", "")
# Reverse proxies in front of the app whose X-Forwarded-For is trusted for the public rate limits.
TAIZHANG_TRUSTED_PROXIES = int(os.environ.get("TAIZHANG_TRUSTED_PROXIES", "0"))
# Public rate limits, e.g. "submit_ip=20/h,track_ip=100/10m" (defaults in taizhang/public/limits.py).
TAIZHANG_PUBLIC_RATES = dict(
    item.strip().split("=", 1) for item in os.environ.get("TAIZHANG_PUBLIC_RATES", "").split(",") if "=" in item
)
TAIZHANG_PUBLIC_SMS_RECEIPT = _env_bool("TAIZHANG_PUBLIC_SMS_RECEIPT", True)  # text a named reporter the code
TAIZHANG_PUBLIC_EMAIL_RECEIPT = _env_bool("TAIZHANG_PUBLIC_EMAIL_RECEIPT", True)  # mail it, if they gave an address
# How long a follow page's kept timeline may serve at most (taizhang/public/snapshots.py); 0: rebuild every look.
TAIZHANG_PUBLIC_TIMELINE_SECONDS = int(os.environ.get("TAIZHANG_PUBLIC_TIMELINE_SECONDS", "86400"))
# The whole body's 驾驶舱 reads day rollups kept exact by triggers (taizhang/dashboard/rollups.py); off: count rows.
TAIZHANG_DASHBOARD_ROLLUPS = _env_bool("TAIZHANG_DASHBOARD_ROLLUPS", True)
TAIZHANG_POSTER_FONT = os.environ.get("TAIZHANG_POSTER_FONT", "")  # a CJK font for the PNG/PDF posters
# 回访 after 验收: phone callbacks per reporter before giving up, and the working days the problem waits at most.
TAIZHANG_FOLLOW_UP = {
    "attempts": int(os.environ.get("TAIZHANG_FOLLOW_UP_ATTEMPTS", "3")),
    "workdays": int(os.environ.get("TAIZHANG_FOLLOW_UP_WORKDAYS", "5")),
}
WSGI_APPLICATION = "taizhang.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "taizhang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "taizhang.web.context.navigation",
            ],
        },
    },
]

DATABASES = {"default": parse_database_url(os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'taizhang.sqlite3'}"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Password logins go through the lockout (taizhang.accounts.lockout): 5 attempts an account, 30 failures an address.
AUTHENTICATION_BACKENDS = ["taizhang.accounts.lockout.LockoutBackend"]
TAIZHANG_LOGIN_LOCKOUT = {
    "account_attempts": int(os.environ.get("TAIZHANG_LOGIN_ATTEMPTS", "5")),
    "ip_failures": int(os.environ.get("TAIZHANG_LOGIN_IP_FAILURES", "30")),
    "window_minutes": 30,
    "lock_minutes": int(os.environ.get("TAIZHANG_LOGIN_LOCK_MINUTES", "30")),
}
AUTH_PASSWORD_VALIDATORS = [  # 等保: length, three kinds of characters, not like the name, not common, no reuse
    {"NAME": "taizhang.accounts.passwords.LengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "taizhang.accounts.passwords.ComplexityValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "taizhang.accounts.passwords.HistoryValidator"},
]
# Staff sessions (taizhang.accounts.sessions): idle timeout, administrators' shorter, and an absolute lifetime.
TAIZHANG_SESSION = {
    "idle_seconds": int(os.environ.get("TAIZHANG_IDLE_MINUTES", "30")) * 60,
    "admin_idle_seconds": int(os.environ.get("TAIZHANG_ADMIN_IDLE_MINUTES", "15")) * 60,
    "absolute_seconds": 8 * 3600,
}

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "taizhang" / "locale"]
# The language switch posts to Django's set_language view, which remembers the choice in this cookie.
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# The project package is not an installed app, so its stylesheet and vendored htmx must be listed here.
STATICFILES_DIRS = [BASE_DIR / "taizhang" / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("TAIZHANG_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# Evidence files: size cap per file, accepted types are checked by content, not by name alone.
TAIZHANG_MAX_UPLOAD_BYTES = int(os.environ.get("TAIZHANG_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
# A file to import (工单导出、整改台账): checked and imported in the background when it is larger than
# TAIZHANG_IMPORT_INLINE_BYTES, so the page can show progress; tests set the latter high to stay in one thread.
TAIZHANG_MAX_IMPORT_BYTES = int(os.environ.get("TAIZHANG_MAX_IMPORT_BYTES", 50 * 1024 * 1024))
TAIZHANG_IMPORT_INLINE_BYTES = int(os.environ.get("TAIZHANG_IMPORT_INLINE_BYTES", 512 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail (the daily digest, a reporter's receipt code): Django's SMTP backend, configured from the environment.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "webmaster@localhost")
# A receipt mail is sent while the citizen's page waits: an unreachable mail server must not hang it.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

SESSION_COOKIE_HTTPONLY = True
# Behind HTTPS (the reverse proxy terminates TLS and sets X-Forwarded-Proto): TAIZHANG_HTTPS=1 makes the cookies
# Secure, sends HSTS for a year (with includeSubDomains and preload: Taizhang is served on a host name of its own,
# and preload only takes effect once someone submits the registrable domain), and redirects a plain-HTTP request
# that reached the app. `manage.py check --deploy` is then clean (taizhang/web/tests/test_deploy_check.py). Each can
# be turned off where the host's situation asks for it — check --deploy will then say so, as it should. Off by
# default so that the one-command demo works on http://127.0.0.1.
TAIZHANG_HTTPS = _env_bool("TAIZHANG_HTTPS", False)
if TAIZHANG_HTTPS:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("TAIZHANG_HSTS_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("TAIZHANG_HSTS_PRELOAD", True)
    SECURE_SSL_REDIRECT = _env_bool("TAIZHANG_SSL_REDIRECT", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# DEBUG shows settings and data on errors: refused when the service listens beyond this machine.
if DEBUG and any(h not in ("127.0.0.1", "localhost", "testserver", "[::1]") for h in ALLOWED_HOSTS):
    raise ValueError("DEBUG=1 is for a developer's own machine: not with ALLOWED_HOSTS beyond localhost")
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
