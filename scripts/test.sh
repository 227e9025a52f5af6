#!/usr/bin/env bash
# The whole test suite: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
# The xlsx round-trip tests open every export in LibreOffice Calc, as a bureau's PC would; the Word
# export is converted with LibreOffice Writer and its pages checked.
ZSDESK_EXTRA_PKGS="libreoffice-calc libreoffice-writer ${ZSDESK_EXTRA_PKGS:-}" bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
if [ "${ZSDESK_TEST_PG:-0}" = 1 ]; then  # CI: also run the shared-ledger tests on a local PostgreSQL
  ZSDESK_TEST_PG_URL=$(bash scripts/pg_test_server.sh)
  export ZSDESK_TEST_PG_URL
  echo "== PostgreSQL for the shared-ledger tests: ${ZSDESK_TEST_PG_URL:-not available (those tests will skip)}"
fi
.venv/bin/python -m ruff check .
# Types: zsdesk/ and ui/ pass mypy (config in pyproject.toml); each `type: ignore` names its code and why.
.venv/bin/python -m mypy zsdesk ui
exec .venv/bin/python -m pytest -q "$@"
