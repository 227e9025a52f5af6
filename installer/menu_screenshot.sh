#!/usr/bin/env bash
# Shows the installed .deb the way a UOS/Kylin user meets it: the application menu of a light desktop
# (LXDE's lxpanel on openbox, under Xvfb) with 招商桌面 under 办公, and a file manager (pcmanfm) showing
# a ledger file with the zsdesk icon and type, then the window opened by double-clicking that file.
#
#   bash installer/menu_screenshot.sh [dist/zsdesk_<version>_<arch>.deb]    (root; installs the .deb)
#
# Output: docs/screenshots/deb_menu.png, deb_file_manager.png, deb_opened_from_file.png.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DEB="${1:-$(ls dist/zsdesk_*.deb 2>/dev/null | tail -1)}"
[ -f "$DEB" ] || { echo "no .deb: run bash installer/build.sh first" >&2; exit 2; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
need=()
for p in openbox lxpanel pcmanfm xdotool locales xvfb xauth imagemagick; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
if ! locale -a | grep -qi '^zh_CN.utf8$'; then
    $SUDO sed -i 's/^# *zh_CN.UTF-8/zh_CN.UTF-8/' /etc/locale.gen && $SUDO locale-gen >/dev/null
fi
$SUDO dpkg -i "$DEB" >/dev/null
WORK="$(mktemp -d /tmp/zsdesk-menu.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/台账" "$WORK/home"
/usr/bin/zsdesk-cli demo --db "$WORK/台账/黔江区招商台账.zsdesk.sqlite" >/dev/null
OUT="$ROOT/docs/screenshots"
mkdir -p "$OUT"
cat >"$WORK/session.sh" <<SESSION
#!/bin/bash
export LANG=zh_CN.UTF-8 LANGUAGE=zh_CN:zh HOME="$WORK/home" ZSDESK_DATA_DIR="$WORK/data"
openbox >/dev/null 2>&1 & sleep 1
lxpanel >/dev/null 2>&1 & sleep 4
xdotool mousemove 10 758 click 1; sleep 2          # the start menu
xdotool key Down; sleep 0.5; xdotool key Right; sleep 2   # its first category (办公) and that submenu
import -window root "$WORK/menu.png"
xdotool key Escape Escape; sleep 1
pcmanfm "$WORK/台账" >/dev/null 2>&1 & sleep 5
import -window root "$OUT/deb_file_manager.png"
xdotool mousemove 568 235 click --repeat 2 --delay 120 1; sleep 12   # double-click the ledger: the association
import -window root "$OUT/deb_opened_from_file.png"
SESSION
chmod +x "$WORK/session.sh"
xvfb-run -a -s "-screen 0 1366x768x24" "$WORK/session.sh" 2>/dev/null || true
convert "$WORK/menu.png" -crop 700x260+0+508 "$OUT/deb_menu.png"
echo "docs/screenshots/deb_menu.png deb_file_manager.png deb_opened_from_file.png"
