import json
from pathlib import Path

from django.core.management import call_command

LABELLED = [
    {
        "id": "T1",
        "text": "实验小学老师在家有偿补课，每次一百元。",
        "channel": "report",
        "cluster": "A",
        "category": "paid_tutoring",
        "unit": "人事股",
    },
    {
        "id": "T2",
        "text": "实验小学食堂饭菜太贵还吃不饱。",
        "channel": "online_form",
        "cluster": "B",
        "category": "canteen",
        "unit": "学生营养办",
    },
]
BAD_AND_GOOD = [
    '{"id": "E1", "text": "", "channel": "online_form"}',
    '{"id": "E2", "text": "   \\n ", "channel": "online_form"}',
    '{"id": "E3", "text": "😀😀😀", "channel": "online_form"}',
    '{"id": "E4", "text": "The school charges too much.", "channel": "online_form"}',
    "this is not json",
    '{"id": "G1", "text": "' + "城南小学校服太贵，强制购买。" * 4000 + '", "channel": "online_form"}',
    '{"id": "G2", "text": "城南小學的老師在家有償補課😀", "channel": "hotline_12345"}',
    '{"id": "G3", "text": "<p>城南小学ＡＢＣ老师在家<b>有偿补课</b>&nbsp;每次１００元</p>", "channel": "report"}',
    '{"id": "G4", "text": "举报城南小学数学老师周末在家办补习班收费。", "channel": "report"}',
]


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_it_answers_every_line_and_never_loses_the_batch(tmp_path: Path) -> None:
    train = write(tmp_path / "train.jsonl", [json.dumps(r, ensure_ascii=False) for r in LABELLED])
    source = write(tmp_path / "in.jsonl", BAD_AND_GOOD)
    out = tmp_path / "out.jsonl"
    call_command("analyze_opinions", "--train", str(train), "--input", str(source), "--output", str(out))
    answers = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [a["id"] for a in answers] == ["E1", "E2", "E3", "E4", "line-5", "G1", "G2", "G3", "G4"]
    assert all("error" in a for a in answers[:5])
    assert "不含中文" in answers[3]["error"]
    good = answers[5:]
    assert all({"problem", "category", "unit", "confidence"} <= a.keys() for a in good)
    assert good[1]["category"] == "paid_tutoring"
    assert good[1]["problem"] == good[2]["problem"] == good[3]["problem"]
    assert good[0]["problem"] != good[1]["problem"]
    assert "已转换繁体字" in good[1]["notes"]
