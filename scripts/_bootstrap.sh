# Sourced by scripts/run, scripts/test and scripts/manage: creates .venv with Python 3.11 and installs
# requirements.lock into it. A second run reuses the environment unless the lock file changed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
      echo "$candidate"; return 0
    fi
  done
  echo "需要 Python 3.11 (Python 3.11 is required): set PYTHON=/path/to/python3.11" >&2
  return 1
}

if [ ! -x "$VENV/bin/python" ]; then
  echo "== 创建虚拟环境 .venv (creating the virtual environment)"
  "$(find_python)" -m venv "$VENV"
fi
want="$(sha256sum requirements.lock | cut -d' ' -f1)"
have="$(cat "$VENV/.lock-sha256" 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
  echo "== 安装依赖 (installing requirements.lock)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.lock
  echo "$want" > "$VENV/.lock-sha256"
fi
export PATH="$VENV/bin:$PATH"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-taizhang.settings}"
export PYTHONDONTWRITEBYTECODE=1
