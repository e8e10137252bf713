"""bandit over the application code: every finding is justified in docs/security-findings.toml, and every
justification still describes a finding (a count per test and file, so unrelated edits do not move it)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FINDINGS = ROOT / "docs" / "security-findings.toml"
# Where an assert would be a security decision that python -O removes.
NO_ASSERT = ("access.py", "lockout.py", "auth.py", "sessions.py", "permissions.py")


def bandit(*skips: str) -> list[dict[str, object]]:
    command = [sys.executable, "-m", "bandit", "-r", "taizhang", "-x", "*/tests/*,*/migrations/*", "-f", "json", "-q"]
    if skips:
        command += ["--skip", ",".join(skips)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.stdout, result.stderr
    report = json.loads(result.stdout)
    assert not report["errors"], report["errors"]
    return list(report["results"])


def test_every_bandit_finding_is_justified_and_every_justification_still_holds() -> None:
    justified = tomllib.loads(FINDINGS.read_text(encoding="utf-8"))
    results = bandit()
    skipped = set(justified["skipped"])
    found = Counter((str(r["test_id"]), str(r["filename"])) for r in results if r["test_id"] not in skipped)
    expected = {(e["test"], e["file"]): e["count"] for e in justified["finding"]}
    assert all(e["reason"].strip() for e in justified["finding"])
    unjustified = {key: n for key, n in found.items() if key not in expected}
    assert not unjustified, f"new bandit findings, fix them or justify them in {FINDINGS.name}: {unjustified}"
    changed = {key: (n, found.get(key, 0)) for key, n in expected.items() if found.get(key, 0) != n}
    assert not changed, f"(justified, found) differ — look at the code, then update {FINDINGS.name}: {changed}"
    decisions = [
        f"{r['filename']}:{r['line_number']}"
        for r in results
        if r["test_id"] in skipped and str(r["filename"]).endswith(NO_ASSERT)
    ]
    assert not decisions, f"an assert where access is decided (python -O removes it): {decisions}"
