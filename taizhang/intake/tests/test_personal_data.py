"""Reporters' personal data at rest (#12, PIPL): encrypted columns, keyed hashes of receipt codes and phones, key
rotation, and a raw dump of the whole database that contains none of the seeded reporters' phones, ID numbers,
names, e-mail addresses or receipt codes — while lookups by code and phone still work through pages and API."""

from __future__ import annotations

import io
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import FieldError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from taizhang.accounts.actions import do_create_api_token
from taizhang.intake.access import reporter_label
from taizhang.intake.actions import NewProblem, OpinionInput, do_create_problem_from_opinion, do_receive_opinion
from taizhang.intake.models import Channel, Opinion
from taizhang.intake.personal import (
    DataKeyError,
    decrypt,
    encrypt,
    key_id,
    phone_index,
    receipt_hash,
    stored_key_id,
)
from taizhang.problems.models import Problem, Status

ROOT = Path(__file__).resolve().parents[3]

# The seeded reporters: every value below must be absent from a raw dump.
HOTLINE = {
    "name": "欧阳明远",
    "phone": "13912345678",
    "email": "ouyang.mingyuan@example.cn",
    "id": "11010519880307123X",
}
PUBLIC = {"name": "司马晓琳", "phone": "13787654321", "email": "sima.xiaolin@example.cn"}
API = {"name": "诸葛文涛", "phone": "13655501234", "id": "330106199512123456"}
IMPORTED = {"name": "上官雨桐", "phone": "13544403322", "id": "510104197701018765"}


def raw_dump() -> str:
    """Every row of every table as the database itself prints it: `.dump` on SQLite, each row cast to text on
    PostgreSQL."""
    if connection.vendor == "sqlite":
        return "\n".join(connection.connection.iterdump())
    lines = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT CAST(t AS text) FROM {connection.ops.quote_name(table)} t")
            lines += [f"-- {table}", *(row[0] for row in cursor.fetchall())]
    return "\n".join(lines)


def raw_value(opinion: Opinion, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM intake_opinion WHERE id = %s", [opinion.pk])
        (value,) = cursor.fetchone()
    return str(value)


def seed(cast: SimpleNamespace, client: Client, tmp_path: Path) -> list[Opinion]:
    hotline = do_receive_opinion(
        OpinionInput(
            channel=Channel.HOTLINE_12345,
            text="实验小学课后服务收费不透明，家长多次反映。",
            reporter_name=HOTLINE["name"],
            reporter_phone=HOTLINE["phone"],
            reporter_email=HOTLINE["email"],
            reporter_id_number=HOTLINE["id"],
        ),
        actor=cast.coordinator,
    )
    public = client.post(
        "/api/v1/public/opinions",
        {
            "text": "校门口车辆乱停，接送孩子不安全。",
            "reporter_name": PUBLIC["name"],
            "reporter_phone": PUBLIC["phone"],
            "reporter_email": PUBLIC["email"],
        },
        content_type="application/json",
        REMOTE_ADDR="198.51.100.7",
    )
    assert public.status_code == 201, public.content
    _token, key = do_create_api_token(cast.coordinator, "12345热线对接", actor=None, scope="intake")
    ticket = {
        "channel": "hotline_12345",
        "text": "食堂饭菜分量不足。",
        "reporter_name": API["name"],
        "reporter_phone": API["phone"],
        "reporter_id_number": API["id"],
        "external_ref": "12345-2026-009001",
    }
    first = client.post("/api/v1/opinions", ticket, content_type="application/json", headers=_bearer(key))
    assert first.status_code == 201, first.content
    retry = client.post("/api/v1/opinions", ticket, content_type="application/json", headers=_bearer(key))
    # The platform's retry gets the original receipt: the same opinion and the same code, recomputed from its seed.
    assert retry.status_code == 200 and retry.json()["receipt_code"] == first.json()["receipt_code"] != ""
    sheet = tmp_path / "热线导出.csv"
    sheet.write_text(
        "工单编号,来电时间,来电人,联系电话,证件号码,诉求内容,涉及学校\n"
        f"GD-1,2026-11-02 09:30,{IMPORTED['name']},{IMPORTED['phone']},{IMPORTED['id']},"
        "教辅资料强制征订。,青溪县实验小学\n",
        encoding="utf-8",
    )
    call_command("import_file", str(sheet), "--user", "coord", "--commit", stdout=open(os.devnull, "w"))  # noqa: SIM115
    imported = Opinion.objects.get(external_ref="GD-1")
    # The kept source columns never repeat who reported (the ID number included): it lives in the encrypted field.
    assert IMPORTED["id"] not in repr(imported.source_record) and imported.reporter_id_number == IMPORTED["id"]
    opinions = [hotline, Opinion.objects.get(reporter_phone_index=phone_index(PUBLIC["phone"])), imported]
    opinions.insert(2, Opinion.objects.get(pk=first.json()["id"]))
    do_create_problem_from_opinion(
        hotline,
        NewProblem(title="课后服务收费不透明", description="家长反映收费项目不公开。", category=cast.category),
        actor=cast.coordinator,
    )
    for opinion in opinions:  # the follow page keeps its page in the database: it must not keep the code
        assert client.get("/track/", {"code": opinion.receipt_code}).status_code == 200
        assert client.get(f"/api/v1/public/track/{opinion.receipt_code}").status_code == 200
    return opinions


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_raw_dump_holds_no_reporter_phone_id_number_name_email_or_receipt_code(
    cast: SimpleNamespace, client: Client, tmp_path: Path
) -> None:
    opinions = seed(cast, client, tmp_path)
    codes = [o.receipt_code for o in opinions]
    assert all(codes) and len(set(codes)) == 4
    dump = raw_dump()
    assert "实验小学课后服务收费不透明" in dump and "intake_opinion" in dump  # the dump is the real thing
    secrets = [v for person in (HOTLINE, PUBLIC, API, IMPORTED) for v in person.values()]
    secrets += codes + [c.replace("-", "") for c in codes]
    found = [s for s in secrets if s in dump]
    assert found == [], f"plain personal data in the database: {found}"
    for opinion in opinions:
        assert raw_value(opinion, "reporter_phone").startswith("enc1:" + key_id(settings.TAIZHANG_DATA_KEYS[0]))

    # Lookups still work: by code through the pages and the API, by phone through its blind index.
    hotline = opinions[0]
    page = client.get("/track/", {"code": hotline.receipt_code.lower().replace("-", " ")})
    assert page.status_code == 200 and hotline.receipt_code in page.content.decode()
    assert client.get(f"/api/v1/public/track/{hotline.receipt_code}").json()["receipt_code"] == hotline.receipt_code
    assert list(Opinion.with_phone("+86 139-1234-5678")) == [hotline]
    assert list(Opinion.with_code(opinions[3].receipt_code)) == [opinions[3]]
    # Shown as each role may see it, decrypted: in full to the coordinator, masked to the leader.
    again = Opinion.objects.get(pk=hotline.pk)
    assert HOTLINE["phone"] in reporter_label(cast.coordinator, again)
    masked = reporter_label(cast.leader, again)
    assert HOTLINE["phone"] not in masked and "139****5678" in masked and "110105********123X" in masked

    # Exports carry no reporter: the 整改台账 workbook a coordinator downloads names none of them.
    client.force_login(cast.coordinator)
    download = client.get("/problems/export.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True)  # type: ignore[attr-defined]
    text = "\n".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row
    )
    assert "课后服务收费不透明" in text and [s for s in secrets if s in text] == []


def test_values_round_trip_and_are_bound_to_their_column() -> None:
    sealed = encrypt("13912345678", context="intake.opinion.reporter_phone")
    assert sealed.startswith("enc1:") and "13912345678" not in sealed
    assert stored_key_id(sealed) == key_id(settings.TAIZHANG_DATA_KEYS[0])
    assert decrypt(sealed, context="intake.opinion.reporter_phone") == "13912345678"
    assert encrypt("13912345678", context="intake.opinion.reporter_phone") != sealed  # a fresh nonce each time
    assert encrypt("", context="x") == ""
    with pytest.raises(DataKeyError, match="密钥不对或数据已被改动"):
        decrypt(sealed, context="intake.opinion.reporter_name")  # copied into another column


@pytest.mark.django_db
def test_an_encrypted_column_refuses_comparisons_that_could_only_miss() -> None:
    assert not Opinion.objects.filter(reporter_phone="").exists()  # "has no phone" still works
    for lookup in ({"reporter_phone": "13912345678"}, {"reporter_name__icontains": "王"}):
        with pytest.raises(FieldError):
            list(Opinion.objects.filter(**lookup))


def test_a_wrong_or_missing_key_is_a_clear_error_not_garbage(cast: SimpleNamespace, settings: Any) -> None:
    opinion = do_receive_opinion(
        OpinionInput(channel=Channel.HOTLINE_12345, text="一", reporter_phone="13912345678"), actor=cast.coordinator
    )
    keys = list(settings.TAIZHANG_DATA_KEYS)
    written_under = key_id(keys[0])
    settings.TAIZHANG_DATA_KEYS = ["a-key-that-never-wrote-anything"]
    with pytest.raises(DataKeyError, match=f"由密钥 {written_under} 加密"):
        Opinion.objects.get(pk=opinion.pk)
    # Same key id, altered ciphertext: refused by the tag.
    settings.TAIZHANG_DATA_KEYS = keys
    assert Opinion.objects.get(pk=opinion.pk).reporter_phone == "13912345678"
    value = raw_value(opinion, "reporter_phone")
    tampered = value[:-6] + ("A" if value[-6] != "A" else "B") + value[-5:]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_opinion SET reporter_phone = %s WHERE id = %s", [tampered, opinion.pk])
    with pytest.raises(DataKeyError, match="无法用密钥"):
        Opinion.objects.get(pk=opinion.pk)


def test_rotation_reencrypts_everything_and_retires_the_old_key(
    cast: SimpleNamespace, settings: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.delenv("TAIZHANG_DATA_KEY", raising=False)
    key_file = tmp_path / "data_key"
    key_file.write_text("old-key\n")
    settings.TAIZHANG_DATA_KEY_FILE, settings.TAIZHANG_DATA_KEYS = key_file, ["old-key"]
    opinions = [
        do_receive_opinion(
            OpinionInput(
                channel=Channel.HOTLINE_12345, text=f"第{n}条", reporter_name="王家长", reporter_phone=f"1391234567{n}"
            ),
            actor=cast.coordinator,
        )
        for n in range(3)
    ]
    codes = [o.receipt_code for o in opinions]
    # A value left in plain text (before the migration ran, say) is finished by the rotation too.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE intake_opinion SET reporter_name = %s WHERE id = %s", ["王家长", opinions[0].pk])

    call_command("rotate_data_key", "--generate", stdout=open(os.devnull, "w"))  # noqa: SIM115
    new, old = key_file.read_text().split()
    configured = settings.TAIZHANG_DATA_KEYS
    assert old == "old-key" and configured == [new, "old-key"]
    for opinion in opinions:
        for column in ("reporter_name", "reporter_phone"):
            assert stored_key_id(raw_value(opinion, column)) == key_id(new)
    call_command("rotate_data_key", "--retire", stdout=open(os.devnull, "w"))  # noqa: SIM115
    configured = settings.TAIZHANG_DATA_KEYS
    assert key_file.read_text().split() == [new] and configured == [new]
    assert [Opinion.objects.get(pk=o.pk).reporter_phone for o in opinions] == [f"1391234567{n}" for n in range(3)]
    # Codes and phone lookups do not depend on the data key: they still find the same opinions.
    assert [Opinion.with_code(c).get() for c in codes] == opinions
    assert list(Opinion.with_phone("13912345671")) == [opinions[1]]
    settings.TAIZHANG_DATA_KEYS = ["old-key"]
    with pytest.raises(DataKeyError):
        Opinion.objects.get(pk=opinions[0].pk)

    monkeypatch.setenv("TAIZHANG_DATA_KEY", "from-the-environment")
    with pytest.raises(CommandError, match="TAIZHANG_DATA_KEY"):
        call_command("rotate_data_key", "--generate")


class OldDatabase:
    """A database of the test's own, on the backend the suite runs on, migrated by manage.py in a subprocess."""

    def __init__(self, tmp_path: Path) -> None:
        self.env = {**os.environ, "TAIZHANG_VAR_DIR": str(tmp_path / "var")}
        self.env.pop("TAIZHANG_DATA_KEY", None)
        self.env.pop("TAIZHANG_INDEX_KEY", None)
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = tmp_path / "old.sqlite3"
            self.env["DATABASE_URL"] = f"sqlite:///{self.path}"
        else:
            import psycopg

            params = connection.get_connection_params()
            self.name = f"{connection.settings_dict['NAME']}_old"
            self.params = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
            with psycopg.connect(**self.params, dbname="postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
                admin.execute(f'CREATE DATABASE "{self.name}"')
            user, host, port = self.params.get("user", ""), self.params.get("host", ""), self.params.get("port", 5432)
            self.env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{self.name}"

    def migrate(self, *target: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0", *target]
        return subprocess.run(command, env=self.env, cwd=ROOT, capture_output=True, text=True, check=False)

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            return sqlite3.connect(self.path)
        import psycopg

        return psycopg.connect(**self.params, dbname=self.name)

    def triggers(self, db: Any) -> list[str]:
        """Triggers outside the audit trail, as DROP statements."""
        if self.vendor == "sqlite":
            rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name NOT LIKE 'audit_%'")
            return [f'DROP TRIGGER "{name}"' for (name,) in rows.fetchall()]
        rows = db.execute(
            "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal "
            "AND tgrelid::regclass::text NOT LIKE 'audit_%'"
        )
        return [f'DROP TRIGGER "{name}" ON {table}' for name, table in rows.fetchall()]

    def dump(self, db: Any) -> str:
        if self.vendor == "sqlite":
            return "\n".join(db.iterdump())
        tables = [row[0] for row in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return "\n".join(str(row[0]) for t in tables for row in db.execute(f'SELECT CAST(t AS text) FROM "{t}" t'))

    def drop(self) -> None:
        if self.vendor != "sqlite":
            import psycopg

            with psycopg.connect(**self.params, dbname="postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}"')


def test_the_migration_encrypts_existing_rows_and_hashes_their_codes(tmp_path: Path) -> None:
    """On a database of its own: migrate to before the change, write a reporter in plain text the old way,
    migrate to the end, and read the database back raw."""
    old = OldDatabase(tmp_path)
    try:
        old.migrate("intake", "0003")  # post_migrate may fail on tables not made yet; the schema is what counts
        db = old.connect()
        columns = db.execute(
            "SELECT * FROM intake_opinion WHERE 1 = 0" if old.vendor == "postgresql" else "SELECT * FROM intake_opinion"
        ).description
        assert "receipt_code" in [c[0] for c in columns]
        # Triggers that post_migrate installs and that write to tables a partial migration has not made yet (the
        # dashboard's rollups): this throwaway database does without them; the audit trail's are kept.
        for statement in old.triggers(db):
            db.execute(statement)
        db.execute(
            "INSERT INTO campaigns_campaign (id, name, code, starts_on, ends_on, is_active, last_problem_seq) "
            "VALUES (1, '作风建设', 'QX26', '2026-01-01', '2026-12-31', true, 0)"
        )
        db.execute(
            "INSERT INTO intake_opinion (receipt_code, channel, text, reporter_name, reporter_phone, is_anonymous, "
            "external_ref, received_at, status, dismiss_reason, answer, version, campaign_id, import_key, "
            "source_record, reporter_email) VALUES ('ABCDE-FGHJK', 'hotline_12345', '食堂收费问题', '欧阳明远', "
            "'13912345678', false, '', '2026-11-02 01:30:00', 'untriaged', '', '', 1, 1, '', '{}', 'oy@example.cn')"
        )
        db.commit()
        db.close()
        done = old.migrate()
        assert done.returncode == 0, done.stderr[-2000:]

        db = old.connect()
        dump = old.dump(db)
        name, phone, index, code_hash = db.execute(
            "SELECT reporter_name, reporter_phone, reporter_phone_index, receipt_hash FROM intake_opinion"
        ).fetchone()
        db.close()
    finally:
        old.drop()
    assert "食堂收费问题" in dump
    assert [s for s in ("13912345678", "欧阳明远", "oy@example.cn", "ABCDE-FGHJK", "ABCDEFGHJK") if s in dump] == []
    var = tmp_path / "var"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settings, "TAIZHANG_DATA_KEYS", (var / "data_key").read_text().split(), raising=False)
        patch.setattr(settings, "TAIZHANG_INDEX_KEY", (var / "index_key").read_text().strip(), raising=False)
        assert decrypt(phone, context="intake.opinion.reporter_phone") == "13912345678"
        assert decrypt(name, context="intake.opinion.reporter_name") == "欧阳明远"
        assert index == phone_index("13912345678") and code_hash == receipt_hash("ABCDE-FGHJK")


def test_an_objectors_contact_is_encrypted_too(
    cast: SimpleNamespace, client: Client, make_problem: Callable[..., Problem]
) -> None:
    from taizhang.disclosure.actions import do_file_objection
    from taizhang.disclosure.tests.helpers import published

    batch = published(cast, [make_problem(Status.CLOSED)])
    objection = do_file_objection(batch.items.get(), text="补课并未停止。", contact="13900002222")
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM disclosure_objection WHERE id = %s", [objection.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc1:") and "13900002222" not in raw_dump()
    client.force_login(cast.coordinator)
    assert "13900002222" in client.get(f"/manage/disclosures/{batch.pk}/").content.decode()
