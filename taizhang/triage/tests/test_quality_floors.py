"""Cross-validated quality on the development set; a regression below these floors fails CI.

The suite uses the fast configuration (2,000 synthetic opinions instead of 4,000); `scripts/manage
evaluate_triage` reports the product configuration's figures (see docs/PERFORMANCE.md).
"""

import json
from pathlib import Path

import pytest

from taizhang.lib import triage
from taizhang.lib.triage_eval import Record, as_records, evaluate
from taizhang.triage import batch

DEV = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "opinions-dev.jsonl"


@pytest.mark.skipif(not DEV.exists(), reason="../shared/data/opinions-dev.jsonl is not here")
def test_it_stays_above_the_quality_floors() -> None:
    records = as_records([json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line])

    def make_model(train: list[Record]) -> triage.Model:
        labelled = [triage.Labelled(r.text, r.category, r.unit) for r in train]
        return batch.model_with(labelled, version="ci", synthetic_n=2000)

    scores = evaluate(records, make_model, k=5)
    assert scores.bcubed_f1 >= 0.86, scores.lines()
    assert scores.category_accuracy >= 0.92, scores.lines()
    assert scores.unit_accuracy >= 0.82, scores.lines()
    assert scores.top3 >= 0.95, scores.lines()
    assert scores.calibration_error <= 0.12, scores.lines()  # 0.081 here, 0.035 with the product model
