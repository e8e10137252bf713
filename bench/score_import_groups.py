"""Score the import's proposed repeat groups against an answer key written by someone else.

    .venv/bin/python bench/score_import_groups.py FILE ANSWERS.json SECTION [--rows-field rows|lines]

ANSWERS.json[SECTION] holds "repeat_groups": [{"<rows-field>": [row, …]}, …] and "exact_duplicates":
[{"<rows-field singular>": row, "duplicate_of": row}, …], row numbers as the user sees them. Runs the same check as
`import_file FILE --json` against the database in DATABASE_URL (its units and triage model) and prints pair
precision and recall: a pair is two rows proposed (or known) to be one matter.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file")
    parser.add_argument("answers")
    parser.add_argument("section")
    parser.add_argument("--rows-field", default="rows")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "taizhang.settings")
    import django

    django.setup()
    from taizhang.imports.planning import plan_file

    key = json.loads(Path(args.answers).read_text())[args.section]
    single = args.rows_field.rstrip("s")
    truth: set[tuple[int, int]] = set()
    for group in key["repeat_groups"]:
        truth |= {(a, b) for a, b in combinations(sorted(group[args.rows_field]), 2)}
    for pair in key["exact_duplicates"]:
        a, b = sorted((pair[single], pair["duplicate_of"]))
        truth.add((a, b))
    plan = plan_file(Path(args.file).read_bytes(), Path(args.file).name)
    proposed: set[tuple[int, int]] = set()
    for group in plan.duplicates:
        proposed |= {(a, b) for a, b in combinations(sorted(group), 2)}
    hits = len(proposed & truth)
    precision = hits / len(proposed) if proposed else 0.0
    print(
        f"{Path(args.file).name}: {len(plan.duplicates)} groups proposed, {len(proposed)} pairs, {len(truth)} true "
        f"pairs, precision {precision:.2f}, recall {hits / len(truth):.2f}"
        + (f" ({plan.notes[0]})" if plan.notes else "")
    )


if __name__ == "__main__":
    main()
