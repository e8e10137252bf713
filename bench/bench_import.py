"""File import at scale: a 12345 hotline export of N rows, or a 整改台账 of N rows, checked and written.

    .venv/bin/python bench/bench_import.py --kind opinions --rows 20000
    .venv/bin/python bench/bench_import.py --kind opinions --rows 100000
    .venv/bin/python bench/bench_import.py --kind ledger --rows 2000

Each run builds its own SQLite database under bench/out/ (or uses --database-url, whose name must contain
"bench"), with the demo county's units, a campaign and a coordinator; writes the file with openpyxl (a title row,
a 统计截止时间 line, text dates in one row of ten, masked phones, a totals footer; the ledger with a two-row merged
header); then times, in one process, what `import_file --commit` does: read and check the file (repeat reports
included, with the default triage model, built beforehand and loaded before the clock starts) and write every row
with its audit event. The file and the model are made in child processes, as an installation has them before an
import. Peak RSS is the importing process's maximum resident set (ru_maxrss), Django and the model included. Prints
Markdown.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
ISSUES = [
    "老师周末在家有偿补课，每人每月收费{n}元",
    "学校强制购买教辅资料，每套{n}元",
    "食堂饭菜价格偏高，一份套餐{n}元，学生吃不饱",
    "校门口上下学时段车辆乱停，存在安全隐患",
    "班级人数超过{n}人，教室拥挤",
    "作业太多，孩子每天写到晚上十点",
    "周六组织学生到校上课，收取资料费{n}元",
    "宿舍冬天没有热水，学生洗漱困难",
]


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    if args.write_file:  # the child that writes the file, so that openpyxl's memory is not the import's
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
        import django

        django.setup()
        rng = random.Random(args.seed)
        content = hotline_file(args.rows, rng) if args.kind == "opinions" else ledger_file(args.rows, rng)
        Path(args.write_file).write_bytes(content)
        return
    url = args.database_url or f"sqlite:///{OUT / 'bench-import.sqlite3'}"
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
    elif "bench" not in url.rsplit("/", 1)[-1]:
        raise SystemExit("the PostgreSQL database name must contain 'bench': it is dropped and recreated")
    else:
        _recreate_postgres(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django

    django.setup()
    run(args)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kind", choices=["opinions", "ledger"], default="opinions")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--write-file", default="", help=argparse.SUPPRESS)
    return parser.parse_args()


def _recreate_postgres(url: str) -> None:
    import psycopg

    from taizhang.lib.dburl import parse_database_url

    cfg = parse_database_url(url)
    with psycopg.connect(
        host=cfg["HOST"], port=cfg["PORT"], user=cfg["USER"], password=cfg["PASSWORD"], dbname="postgres",
        autocommit=True,
    ) as conn:  # fmt: skip
        conn.execute(f'DROP DATABASE IF EXISTS "{cfg["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def schools() -> list[str]:
    from taizhang.demo import county

    return [s.name for s in county.SCHOOLS]


def hotline_file(rows: int, rng: random.Random) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("工单明细")
    ws.append(["青溪县12345政务服务便民热线工单明细表"])
    ws.append(["统计截止时间：2026年11月30日"])
    ws.append(["序号", "工单编号", "来电时间", "来电人", "联系电话", "诉求类型", "诉求内容", "涉及单位", "承办单位"])
    names = schools()
    start = dt.datetime(2026, 1, 1, 8, 0)
    for i in range(1, rows + 1):
        called = start + dt.timedelta(minutes=rng.randint(0, 300 * 24 * 60))
        school = rng.choice(names)
        text = f"反映{school}" + rng.choice(ISSUES).format(n=rng.randint(2, 90) * 10) + "，希望尽快处理。"
        when: object = called if i % 10 else f"{called:%Y.%m.%d %H:%M}"
        phone = f"1{rng.randint(3, 9)}{rng.randint(0, 99_999_999):09d}" if i % 7 else "138****1234"
        kind = rng.choice(["投诉", "咨询", "建议", "求助"])
        ws.append([i, f"QX12345-{called:%Y%m%d}-{i:06d}", when, "市民", phone, kind, text, school, "县教育局"])
    ws.append([f"合计：{rows}件"])
    return _saved(wb)


def ledger_file(rows: int, rng: random.Random) -> bytes:
    from openpyxl import Workbook

    from taizhang.demo import county

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["青溪县教育局作风建设问题整改台账"])
    ws.append(["序号", "问题类别", "问题描述", "整改责任", "", "", "整改情况", "", "", "", ""])
    ws.append(
        ["", "", "", "责任领导", "责任单位", "责任人", "整改措施", "整改时限", "整改进展", "完成情况", "销号时间"]
    )
    for column in "ABC":
        ws.merge_cells(f"{column}2:{column}3")
    ws.merge_cells("D2:F2")
    ws.merge_cells("G2:K2")
    offices = [o.name for o in county.OFFICES]
    categories = ["形式主义", "官僚主义", "教师有偿补课", "乱收费/教辅征订", "校园安全", "食堂/营养餐"]
    for i in range(1, rows + 1):
        status = rng.choice(["已完成", "正在整改", "长期坚持", "基本完成"])
        closed = dt.date(2026, rng.randint(1, 11), rng.randint(1, 28)) if status == "已完成" else None
        deadline: object = dt.date(2026, rng.randint(1, 12), 28) if i % 5 else "2026年12月底前"
        ws.append([
            i, rng.choice(categories), f"问题{i}：" + rng.choice(ISSUES).format(n=rng.randint(2, 90) * 10),
            "分管副局长", "、".join(rng.sample(offices, rng.choice([1, 1, 2]))), "股长",
            "1.立即整改；\n2.建立长效机制。", deadline, "已推进。", status, closed,
        ])  # fmt: skip
    ws.append(["填报单位（盖章）：", "", "", "填报人：", "", "", "审核人："])
    return _saved(wb)


def _saved(wb: object) -> bytes:
    out = io.BytesIO()
    wb.save(out)  # type: ignore[attr-defined]
    return out.getvalue()


def setup() -> object:
    from django.core.management import call_command

    from taizhang.accounts.models import Role, Unit, UnitKind, User
    from taizhang.campaigns.models import Campaign
    from taizhang.demo import county
    from taizhang.triage import engine

    call_command("migrate", verbosity=0)
    bureau = Unit.objects.create(name=county.BUREAU_NAME, short_name="县教育局", kind=UnitKind.BUREAU)
    for spec in county.OFFICES + county.SCHOOLS:
        Unit.objects.create(name=spec.name, short_name=spec.short_name, kind=spec.kind, parent=bureau)
    Campaign.objects.create(name="作风建设", code="BENCH", starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    # An installation has the model built (scripts/run trains it, in its own process): build it in a child so that
    # training's memory is not this process's peak, then load it here as `import_file` does.
    code = "import django; django.setup(); from taizhang.triage import engine; engine.default_model()"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
    engine.default_model()
    return User.objects.create(username="coord", role=Role.COORDINATOR, unit=bureau)


def run(args: argparse.Namespace) -> None:
    from taizhang.imports.actions import do_import_plan
    from taizhang.imports.planning import plan_file

    actor = setup()
    started = time.perf_counter()
    path = OUT / f"bench-import-{args.kind}-{args.rows}.xlsx"
    command = [sys.executable, __file__, "--kind", args.kind, "--rows", str(args.rows), "--seed", str(args.seed)]
    subprocess.run([*command, "--write-file", str(path)], check=True)
    built = time.perf_counter() - started
    content = path.read_bytes()  # as `import_file` reads it
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    plan = plan_file(content, f"bench.{args.kind}.xlsx")
    checked = time.perf_counter() - started
    after_check = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    created = do_import_plan(plan, actor=actor, filename="bench.xlsx")  # type: ignore[arg-type]
    written = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    report = plan.report(created)
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print("| kind | rows | file MB | database | check s | write s | total s | RSS MB: start / after check / peak |")
    print("|---|---:|---:|---|---:|---:|---:|---:|")
    print(
        f"| {args.kind} | {report['rows']:,} | {len(content) / 2**20:.1f} | {engine} | {checked:.1f} | {written:.1f} | "
        f"{checked + written:.1f} | {before:.0f} / {after_check:.0f} / {peak:.0f} |"
    )
    groups = len(report["duplicates"])
    print(f"\nimportable {report['importable']:,}, rejected {len(report['rejected'])}, ", end="")
    print(f"flagged {len(report['flagged']):,}, groups proposed {groups:,}, created {created}; file {built:.1f} s")


if __name__ == "__main__":
    main()
