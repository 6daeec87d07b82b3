#!/bin/bash
# Regenerate docs/permissions.md from the rules in tests/accounts/access_rules.py, after
# checking every page and endpoint against them (the same test that fails when it is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
LUOSHI_WRITE_DOCS=1 "$PY" -m pytest -q -p no:cacheprovider \
  tests/accounts/test_permission_matrix.py -k every_page_and_endpoint
