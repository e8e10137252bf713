"""django-helpdesk's `escalate_tickets` on the same scale as bench_supervise.py, for the side-by-side figure.

Runs only in its own virtualenv, never in .venv (django-helpdesk is not a dependency of Taizhang):

    python3.11 -m venv bench/out/helpdesk-venv
    bench/out/helpdesk-venv/bin/pip install django-helpdesk "psycopg[binary]"
    bench/out/helpdesk-venv/bin/python bench/helpdesk_escalate.py --tickets 1000000 --due 10000

Configures a minimal Django project in-process on PostgreSQL database `helpdesk_bench` (dropped and recreated),
inserts the tickets with one INSERT … SELECT (all open, in one queue with escalate_days=1; the N due ones last
escalated 3 days ago, the others a minute ago), then times `manage.py escalate_tickets` with
time.perf_counter. Mail goes to Django's dummy backend (templates still rendered). Prints JSON on its last line.
"""

from __future__ import annotations

import argparse
import json
import time
from importlib.metadata import version

import django
import psycopg
from django.conf import settings

HOST, PORT, USER = "127.0.0.1", 5432, "postgres"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--database", default="helpdesk_bench")
    args = parser.parse_args()
    with psycopg.connect(dbname="postgres", autocommit=True, host=HOST, port=PORT, user=USER) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{args.database}"')
        conn.execute(f'CREATE DATABASE "{args.database}"')
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench",
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
        SITE_ID=1,
        DEFAULT_AUTO_FIELD="django.db.models.AutoField",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        DATABASES={
            "default": {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": args.database,
                "HOST": HOST,
                "PORT": PORT,
                "USER": USER,
            }
        },
        INSTALLED_APPS=[
            "django.contrib.admin",
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "django.contrib.sessions",
            "django.contrib.messages",
            "django.contrib.staticfiles",
            "django.contrib.sites",
            "django.contrib.humanize",
            "rest_framework",
            "helpdesk",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "APP_DIRS": True,
                "OPTIONS": {"context_processors": []},
            }
        ],
        MIDDLEWARE=[],
        ROOT_URLCONF="__main__",  # urlpatterns below, with the namespace the mail templates reverse
        STATIC_URL="/static/",
        LOGIN_URL="/login/",
        HELPDESK_TEAMS_MODE_ENABLED=False,
    )
    django.setup()
    from django.urls import include, path

    globals()["urlpatterns"] = [path("helpdesk/", include("helpdesk.urls", namespace="helpdesk"))]
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from helpdesk.models import Queue

    queue_id = Queue.objects.create(title="整改", slug="rectify", escalate_days=1).pk
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO helpdesk_ticket (title, queue_id, created, modified, submitter_email, status, on_hold,
                description, resolution, priority, last_escalation, secret_key)
            SELECT 'Ticket ' || g, %s, now() - interval '30 days', now(), 'unit' || (g %% 200) || '@example.org',
                1, false, 'Description ' || g, '', 3,
                CASE WHEN g <= %s THEN now() - interval '3 days' ELSE now() - interval '1 minute' END,
                md5(g::text)
            FROM generate_series(1, %s) AS g
            """,
            [queue_id, args.due, args.tickets],
        )
        cur.execute("ANALYZE")
    load_s = time.perf_counter() - started
    started = time.perf_counter()
    call_command("escalate_tickets")
    escalate_s = time.perf_counter() - started
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM helpdesk_ticket WHERE priority = 2")
        escalated = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM helpdesk_followup")
        followups = cur.fetchone()[0]
    started = time.perf_counter()
    call_command("escalate_tickets")
    empty_s = time.perf_counter() - started
    print(
        json.dumps(
            {
                "tickets": args.tickets,
                "due": args.due,
                "escalated": escalated,
                "followups": followups,
                "load_s": round(load_s, 1),
                "escalate_s": round(escalate_s, 2),
                "empty_run_ms": round(empty_s * 1000, 1),
                "helpdesk": version("django-helpdesk"),
            }
        )
    )


if __name__ == "__main__":
    main()
