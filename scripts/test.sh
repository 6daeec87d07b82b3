#!/usr/bin/env bash
# Install what the tests need and run the whole suite: lint, then pytest on SQLite,
# then again on PostgreSQL (LUOSHI_TEST_DATABASE_URL, default the local server).
# With CI=true a PostgreSQL that cannot be reached fails the run instead of skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests drive for real: Chromium for the browser tests, LibreOffice to
# render the generated Word files to PDF, CJK fonts so both draw Chinese text.
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || need+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "== apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

python=${LUOSHI_PYTHON:-$(command -v python3.11 || command -v python3)}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet --editable ".[test]"
# the pinned ECharts (package.json) into luoshi/web/static/web/vendor/; setup.py's build_py does it too
.venv/bin/python src/luoshi/web/vendor.py >/dev/null

echo "== ruff"
.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench

echo "== mypy (strict, pure modules)"
.venv/bin/mypy

pg_url=${LUOSHI_TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}
pg_answers() {
  .venv/bin/python -c "import psycopg, sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$pg_url" 2>/dev/null
}
if ! pg_answers && command -v pg_ctlcluster >/dev/null 2>&1; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do pg_answers && break; sleep 1; done
fi

echo "== pytest on SQLite"
env -u LUOSHI_TEST_DATABASE_URL .venv/bin/pytest -q "$@"

if pg_answers; then
  echo "== pytest on PostgreSQL ($pg_url)"
  LUOSHI_TEST_DATABASE_URL=$pg_url .venv/bin/pytest -q "$@"
elif [ "${CI:-}" = "true" ]; then
  echo "PostgreSQL at $pg_url does not answer: the suite must run on it in CI." >&2
  exit 1
else
  echo "PostgreSQL at $pg_url does not answer: skipped the PostgreSQL run (CI would fail here)."
fi
