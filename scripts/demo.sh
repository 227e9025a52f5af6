#!/usr/bin/env bash
# Opens zsdesk on the demo district (builds the demo ledger the first time).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
db=${ZSDESK_DEMO_DB:-demo/黔江区演示台账.sqlite}
if [ ! -f "$db" ]; then
  mkdir -p "$(dirname "$db")"
  .venv/bin/zsdesk demo --db "$db"
fi
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "没有图形显示器：在虚拟屏幕（xvfb-run）上打开演示台账，窗口看不见。"
  echo "停止：按 Ctrl+C；或在另一个终端运行 kill $$"
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/zsdesk --db "$db"
fi
exec .venv/bin/zsdesk --db "$db"
