#!/usr/bin/env bash
# The whole test suite: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
# The xlsx round-trip tests open every export in LibreOffice Calc, as a bureau's PC would.
ZSDESK_EXTRA_PKGS="libreoffice-calc ${ZSDESK_EXTRA_PKGS:-}" bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
.venv/bin/python -m ruff check .
exec .venv/bin/python -m pytest -q "$@"
