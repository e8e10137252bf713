"""Offline batch analysis (analyze_opinions): JSON lines in, one answer or one error per line out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from taizhang.lib import triage
from taizhang.lib.opinion_synth import generate

SYNTHETIC_FOR_TRAINING = 4000


@dataclass
class InputLine:
    number: int
    id: str
    text: object
    error: str = ""


def read_lines(lines: Iterable[str]) -> Iterator[InputLine]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as exc:
            yield InputLine(number, f"line-{number}", None, f"第 {number} 行不是有效的 JSON：{exc.msg}")
            continue
        if not isinstance(obj, dict):
            yield InputLine(number, f"line-{number}", None, f"第 {number} 行不是 JSON 对象。")
            continue
        ident = str(obj.get("id") or f"line-{number}")
        yield InputLine(number, ident, obj.get("text"))


def labelled(lines: Iterable[str]) -> list[triage.Labelled]:
    out = []
    for raw in lines:
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("text"), str) and obj.get("category") and obj.get("unit"):
            out.append(triage.Labelled(obj["text"], str(obj["category"]), str(obj["unit"])))
    return out


def model_with(
    training: list[triage.Labelled], version: str, *, synthetic_n: int = SYNTHETIC_FOR_TRAINING
) -> triage.Model:
    """The repo's synthetic opinions plus the labelled file: the file adapts the model to its taxonomy and units."""
    synthetic = [triage.Labelled(o.text, o.category, o.unit) for o in generate(synthetic_n, seed=7)]
    return triage.train(synthetic + training, version=version)


def analyse_lines(model: triage.Model, items: list[InputLine]) -> list[dict[str, Any]]:
    usable = [it for it in items if not it.error]
    result = triage.analyse(model, [it.text for it in usable])
    position = {i: j for j, i in enumerate(result.prep.ok)}
    answers: dict[int, dict[str, Any]] = {}
    for i, it in enumerate(usable):
        err = result.prep.errors[i]
        if err is not None:
            answers[it.number] = {"id": it.id, "error": err}
            continue
        j = position[i]
        answer: dict[str, Any] = {
            "id": it.id,
            "problem": f"P{int(result.groups[j]) + 1:05d}",
            "category": result.categories[j],
            "unit": result.units[j],
            "confidence": result.confidence(j),
        }
        if result.prep.notes[i]:
            answer["notes"] = list(result.prep.notes[i])
        answers[it.number] = answer
    for it in items:
        if it.error:
            answers[it.number] = {"id": it.id, "error": it.error}
    return [answers[it.number] for it in items]
