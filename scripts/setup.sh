#!/usr/bin/env bash
# Installs everything zsdesk needs on a fresh Debian/UOS/Kylin machine, idempotently:
# the system libraries Qt needs (also offscreen), poppler for PDF checks, a CJK font, a virtualenv
# in .venv with zsdesk and its test tools. Called by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(libglib2.0-0 libgl1 libegl1 libfontconfig1 libxkbcommon0 libdbus-1-3
      libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0
      libxcb-xkb1 libxkbcommon-x11-0 fonts-wqy-microhei fonts-hanazono poppler-utils poppler-data xvfb xauth
      ${ZSDESK_EXTRA_PKGS:-})
if command -v dpkg-query >/dev/null 2>&1; then
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "== 安装系统依赖 / installing system packages: ${missing[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# installer/build.sh needs only the system part; it builds in a venv of its own.
[ "${ZSDESK_SETUP_SYSTEM_ONLY:-0}" = 1 ] && exit 0

PY=${PYTHON:-python3}
"$PY" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || {
  echo "需要 Python 3.11 或更高版本 / Python 3.11+ is required"; exit 1; }
if [ ! -x .venv/bin/python ]; then
  echo "== 创建虚拟环境 / creating .venv"
  "$PY" -m venv .venv
fi
stamp=.venv/.zsdesk-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "== 安装 Python 依赖 / installing Python packages"
  .venv/bin/python -m pip install -q --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q -e ".[test]"
  touch "$stamp"
fi
