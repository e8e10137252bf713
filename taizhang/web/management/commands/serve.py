"""Serve Taizhang with waitress (a production WSGI server that runs on any OS) and whitenoise for static files."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "启动台账 Web 服务 (start the web server)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from taizhang.wsgi import application

        host, port = options["host"], options["port"]
        self.stdout.write(self.style.SUCCESS(f"台账已启动：http://{host}:{port}/  （按 Ctrl+C 停止）"))
        serve(application, host=host, port=port, threads=options["threads"], ident="taizhang")
