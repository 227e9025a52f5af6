#!/usr/bin/env bash
# Build the zsdesk one-folder bundle (PyInstaller) and the Linux .deb, then smoke-test both.
#
#   bash installer/build.sh                 bundle + .deb + smoke tests + NSIS compile check
#   bash installer/build.sh --install-test  also dpkg -i the .deb on this machine, use it, dpkg -r it
#                                           (root only; it really installs to /opt/zsdesk for a moment)
#   bash installer/build.sh --skip-bundle   reuse dist/zsdesk from an earlier run
#   bash installer/build.sh --dry-run       print the set-up it would do (apt packages, build venv) and stop
#
# Output: dist/zsdesk/ (bundle), dist/zsdesk_<version>_<arch>.deb; scratch in build/ (both gitignored).
# Set-up is its own: on a fresh clone it installs the Debian packages it needs (apt-get, as root or
# through sudo: Qt's system libraries via scripts/setup.sh, binutils, poppler, desktop-file-utils, nsis,
# xvfb, imagemagick) and builds in its own venv (build/venv: PyInstaller + zsdesk installed non-editable,
# so the bundle holds the package, not a link to this checkout). PYTHON=... uses a Python that already
# has PyInstaller and zsdesk instead.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

INSTALL_TEST=0
SKIP_BUNDLE=0
DRY_RUN=0
for arg in "$@"; do
    case "$arg" in
        --install-test) INSTALL_TEST=1 ;;
        --skip-bundle) SKIP_BUNDLE=1 ;;
        --dry-run) DRY_RUN=1 ;;
        *) echo "unknown option: $arg" >&2; exit 2 ;;
    esac
done

# ---------------------------------------------------------------- 0. set-up (idempotent)
# Debian packages: the build's own tools and the smoke tests' (a fresh machine has none of them).
BUILD_PKGS=(binutils dpkg poppler-utils poppler-data desktop-file-utils nsis xvfb xauth imagemagick)
BUILD_VENV="${ZSDESK_BUILD_VENV:-build/venv}"
PYINSTALLER_REQ="pyinstaller>=6.10,<7"
BASE_PYTHON="${ZSDESK_BASE_PYTHON:-python3}"
missing_pkgs=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${BUILD_PKGS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing_pkgs+=("$p")
    done
fi
if [ -n "${PYTHON:-}" ]; then
    VENV_PLAN="use PYTHON=$PYTHON as given (it must have PyInstaller and zsdesk)"
elif [ -x "$BUILD_VENV/bin/python" ] && "$BUILD_VENV/bin/python" -c 'import PyInstaller, zsdesk' 2>/dev/null \
        && [ "$BUILD_VENV/.zsdesk-build-installed" -nt pyproject.toml ]; then
    VENV_PLAN="reuse $BUILD_VENV (PyInstaller and zsdesk already installed)"
else
    VENV_PLAN="$BASE_PYTHON -m venv $BUILD_VENV; pip install '$PYINSTALLER_REQ' . (zsdesk non-editable)"
fi
if [ "$DRY_RUN" = 1 ]; then
    echo "== set-up (dry run: nothing is installed or built)"
    echo "   system libraries for Qt: bash scripts/setup.sh (ZSDESK_SETUP_SYSTEM_ONLY=1)"
    echo "   apt packages needed: ${BUILD_PKGS[*]}"
    if [ ${#missing_pkgs[@]} -gt 0 ]; then echo "   apt-get install ${missing_pkgs[*]}"
    else echo "   apt packages: all present"; fi
    echo "   build venv: $VENV_PLAN"
    echo "   then: PyInstaller bundle -> dist/zsdesk, .deb -> dist/, smoke tests"
    exit 0
fi
ZSDESK_SETUP_SYSTEM_ONLY=1 bash scripts/setup.sh
if [ ${#missing_pkgs[@]} -gt 0 ]; then
    echo "== 安装打包工具 / installing build tools: ${missing_pkgs[*]}"
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
fi
if [ -z "${PYTHON:-}" ]; then
    case "$VENV_PLAN" in
        reuse*) ;;
        *)
            echo "== 打包用虚拟环境 / build venv: $BUILD_VENV"
            [ -x "$BUILD_VENV/bin/python" ] || "$BASE_PYTHON" -m venv "$BUILD_VENV"
            "$BUILD_VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
            "$BUILD_VENV/bin/python" -m pip install -q "$PYINSTALLER_REQ" .
            touch "$BUILD_VENV/.zsdesk-build-installed"
            ;;
    esac
    PYTHON="$BUILD_VENV/bin/python"
fi
VERSION="$("$PYTHON" -c 'import tomllib; print(tomllib.load(open("pyproject.toml", "rb"))["project"]["version"])')"
ARCH="$(dpkg --print-architecture)"
BUNDLE="dist/zsdesk"
DEB="dist/zsdesk_${VERSION}_${ARCH}.deb"
STAGE="build/deb/zsdesk_${VERSION}_${ARCH}"
SCRATCH="$(mktemp -d /tmp/zsdesk-build.XXXXXX)"
trap 'rm -rf "$SCRATCH"' EXIT
T0=$(date +%s)
FAILURES=0

step() { printf '\n== %s (%ss)\n' "$1" "$(( $(date +%s) - T0 ))"; }
ok() { printf '   ok   %s\n' "$1"; }
fail() { printf '   FAIL %s\n' "$1"; FAILURES=$((FAILURES + 1)); }
mib() { du -sm "$1" | cut -f1; }

# ---------------------------------------------------------------- 1. bundle
if [ "$SKIP_BUNDLE" = 0 ]; then
    step "PyInstaller bundle (zsdesk $VERSION)"
    [ -f resources/icons/zsdesk.png ] || "$PYTHON" installer/make_icons.py
    "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
        --distpath dist --workpath build/pyinstaller installer/zsdesk.spec
fi
T_BUNDLE=$(( $(date +%s) - T0 ))
[ -x "$BUNDLE/zsdesk" ] && [ -x "$BUNDLE/zsdesk-cli" ] || { echo "no bundle in $BUNDLE" >&2; exit 1; }

step "Bundle contents"
INTERNAL="$BUNDLE/_internal"
for f in resources/defaults/rules.json resources/icons/zsdesk.svg zsdesk/migrations/env.py \
         PySide6/Qt/plugins/platforms/libqxcb.so PySide6/Qt/plugins/platforms/libqoffscreen.so \
         PySide6/Qt/translations/qtbase_zh_CN.qm; do
    if [ -e "$INTERNAL/$f" ]; then ok "$f"; else fail "missing $f"; fi
done
ls "$INTERNAL"/zsdesk/migrations/versions/*.py >/dev/null 2>&1 && ok "migration scripts" || fail "no migration scripts"
ls "$INTERNAL"/PySide6/Qt/plugins/printsupport/* >/dev/null 2>&1 && ok "printsupport plugin" || fail "no printsupport plugin"
if grep -rqs "pypdfium2" ui zsdesk; then  # print preview renders with pdfium, loaded by ctypes
    ls "$INTERNAL"/pypdfium2_raw/libpdfium* >/dev/null 2>&1 && ok "pdfium library (print preview)" || fail "no pdfium library"
fi
[ -z "$(find "$BUNDLE" -name '*.pyi' -o -name 'test_*.py' | head -1)" ] && ok "no type stubs or tests" || fail "stubs/tests in bundle"
[ -z "$(find "$BUNDLE" -iname '*webengine*' | head -1)" ] && ok "no QtWebEngine" || fail "QtWebEngine in bundle"
OTHER_QM=$(find "$INTERNAL" -name '*.qm' ! -name '*_zh_CN.qm' ! -name '*_en.qm' | wc -l)
[ "$OTHER_QM" = 0 ] && ok "translations: zh_CN and en only" || fail "$OTHER_QM other translations"
MISSING=$(find "$BUNDLE" -type f \( -name '*.so*' -o -name zsdesk -o -name zsdesk-cli \) -print0 \
    | xargs -0 -n1 sh -c 'LD_LIBRARY_PATH="'"$INTERNAL"'" ldd "$0" 2>/dev/null | sed -n "s|^\s*\(\S*\) => not found|$0: \1|p"' || true)
[ -z "$MISSING" ] && ok "every shared library resolves (ldd)" || { fail "unresolved libraries:"; echo "$MISSING"; }
GLIBC=$(find "$BUNDLE" -type f \( -name '*.so*' -o -name zsdesk -o -name zsdesk-cli \) -print0 \
    | xargs -0 objdump -T 2>/dev/null | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -1)
echo "   bundle needs glibc >= $GLIBC (the build machine has $(ldd --version | head -1 | awk '{print $NF}'))"

# ---------------------------------------------------------------- 2. .deb
step "Debian package"
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/mime/packages" "$STAGE/usr/share/doc/zsdesk" "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp -a "$BUNDLE" "$STAGE/opt/zsdesk"
find "$STAGE/opt/zsdesk" -depth -type d -name __pycache__ -exec rm -rf {} +
ln -s /opt/zsdesk/zsdesk "$STAGE/usr/bin/zsdesk"
ln -s /opt/zsdesk/zsdesk-cli "$STAGE/usr/bin/zsdesk-cli"
install -m 644 installer/linux/zsdesk.desktop "$STAGE/usr/share/applications/zsdesk.desktop"
install -m 644 installer/linux/zsdesk-mime.xml "$STAGE/usr/share/mime/packages/zsdesk.xml"
install -m 644 installer/linux/copyright "$STAGE/usr/share/doc/zsdesk/copyright"
install -m 644 resources/icons/zsdesk.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/zsdesk.svg"
for size in 16 32 48 64 128; do
    mkdir -p "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps"
    install -m 644 "resources/icons/zsdesk-$size.png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/zsdesk.png"
done
mkdir -p "$STAGE/usr/share/icons/hicolor/256x256/apps"
install -m 644 resources/icons/zsdesk.png "$STAGE/usr/share/icons/hicolor/256x256/apps/zsdesk.png"
for script in postinst prerm postrm; do install -m 755 "installer/linux/$script" "$STAGE/DEBIAN/$script"; done
INSTALLED_KB=$(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
sed -e "s/@VERSION@/$VERSION/" -e "s/@ARCH@/$ARCH/" -e "s/@INSTALLED_SIZE@/$INSTALLED_KB/" -e "s/@GLIBC@/$GLIBC/" \
    installer/linux/control.in > "$STAGE/DEBIAN/control"
chmod -R go-w "$STAGE"
# xz: readable by the dpkg of every UOS / Kylin release (zstd needs dpkg >= 1.21.18).
dpkg-deb --root-owner-group -Zxz --build "$STAGE" "$DEB" >/dev/null
T_DEB=$(( $(date +%s) - T0 ))
ok "$DEB"

# ---------------------------------------------------------------- 3. smoke test: the bundle
step "Smoke test: bundle"
export ZSDESK_DATA_DIR="$SCRATCH/data"
CLI="$BUNDLE/zsdesk-cli"
run() {  # run LABEL CMD... : ok when exit 0
    local label="$1"; shift
    if "$@" >"$SCRATCH/out" 2>&1; then ok "$label"; else fail "$label (exit $?)"; sed 's/^/      /' "$SCRATCH/out" | tail -20; fi
}
run "zsdesk-cli init (Alembic migrations from the frozen bundle)" "$CLI" init --db "$SCRATCH/empty.zsdesk.sqlite"
run "zsdesk-cli check on the new empty ledger" "$CLI" check --db "$SCRATCH/empty.zsdesk.sqlite"
run "zsdesk-cli demo" "$CLI" demo --db "$SCRATCH/demo.zsdesk.sqlite"
run "zsdesk-cli check on the demo ledger" "$CLI" check --db "$SCRATCH/demo.zsdesk.sqlite"
if "$CLI" --help | grep -q ' board '; then
    YEAR=$("$PYTHON" -c 'import datetime; print(datetime.date.today().year)')
    if "$CLI" board --db "$SCRATCH/demo.zsdesk.sqlite" --period "${YEAR}Q1" --json >"$SCRATCH/board.json" 2>"$SCRATCH/out" \
        && "$PYTHON" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["units"] and "district" in d' "$SCRATCH/board.json"; then
        ok "zsdesk-cli board --json (${YEAR}Q1)"
    else
        fail "zsdesk-cli board --json"; tail -5 "$SCRATCH/out"
    fi
fi
run "zsdesk-cli notice (reportlab, bundled fonts)" "$CLI" notice --db "$SCRATCH/demo.zsdesk.sqlite" --period "$("$PYTHON" -c 'import datetime; print(datetime.date.today().year - 1)')Q3" -o "$SCRATCH/notice.pdf"
run "notice fonts all embedded (pdffonts)" sh -c "pdffonts '$SCRATCH/notice.pdf' | awk 'NR>2 && \$(NF-4) != \"yes\" {bad=1} END {exit bad}'"
run "zsdesk-cli export targets (openpyxl)" "$CLI" export targets --db "$SCRATCH/demo.zsdesk.sqlite" --period "$("$PYTHON" -c 'import datetime; print(datetime.date.today().year)')Q3" -o "$SCRATCH/targets.xlsx"
run "zsdesk-cli template projects" "$CLI" template projects --db "$SCRATCH/demo.zsdesk.sqlite" -o "$SCRATCH/template.xlsx"
run "zsdesk check (subcommand through the windowed launcher)" "$BUNDLE/zsdesk" check --db "$SCRATCH/demo.zsdesk.sqlite"
window_test() {  # window_test LABEL ENV... : the window must still be running after 8 s
    local label="$1"; shift
    set +e
    env "$@" timeout 8 "$BUNDLE/zsdesk" --db "$SCRATCH/demo.zsdesk.sqlite" >"$SCRATCH/out" 2>&1
    local rc=$?
    set -e
    if [ "$rc" = 124 ]; then ok "$label: still running after 8 s"; else fail "$label: exited with $rc"; tail -20 "$SCRATCH/out"; fi
}
window_test "window (offscreen)" QT_QPA_PLATFORM=offscreen
if command -v xvfb-run >/dev/null && command -v import >/dev/null; then
    set +e
    xvfb-run -a -s "-screen 0 1400x900x24" sh -c "
        QT_QPA_PLATFORM=xcb '$BUNDLE/zsdesk' --db '$SCRATCH/demo.zsdesk.sqlite' >'$SCRATCH/xcb.log' 2>&1 & pid=\$!
        sleep 6; import -window root '$SCRATCH/shot.png'; kill -0 \$pid; alive=\$?; kill \$pid; exit \$alive"
    rc=$?
    set -e
    if [ "$rc" = 0 ]; then
        COLOURS=$(convert "$SCRATCH/shot.png" -format '%k' info: 2>/dev/null || echo 0)
        mkdir -p build && cp "$SCRATCH/shot.png" build/smoke-window.png
        if [ "$COLOURS" -gt 50 ]; then ok "window on X11 (xvfb, xcb plugin): running, $COLOURS colours on screen (build/smoke-window.png)"
        else fail "window on X11: screen nearly blank ($COLOURS colours)"; fi
    else
        fail "window on X11 (xvfb): not running after 6 s"; tail -20 "$SCRATCH/xcb.log"
    fi
fi
if grep -q -E 'Traceback|ERROR' "$ZSDESK_DATA_DIR"/logs/*.log 2>/dev/null; then
    fail "errors in the app log:"; grep -A5 -E 'Traceback|ERROR' "$ZSDESK_DATA_DIR"/logs/*.log | head -30
else
    ok "no errors in the app log"
fi
[ -z "$(find "$BUNDLE" -name __pycache__ | head -1)" ] && ok "running wrote nothing into the bundle" || fail "__pycache__ written into the bundle"

# ---------------------------------------------------------------- 4. smoke test: the .deb unpacked
step "Smoke test: .deb contents"
dpkg-deb --info "$DEB" | sed -n 's/^ \(Package\|Version\|Installed-Size\|Depends\):/   \1:/p'
dpkg-deb -x "$DEB" "$SCRATCH/root"
for f in opt/zsdesk/zsdesk opt/zsdesk/zsdesk-cli usr/bin/zsdesk usr/share/applications/zsdesk.desktop \
         usr/share/mime/packages/zsdesk.xml usr/share/icons/hicolor/256x256/apps/zsdesk.png \
         usr/share/icons/hicolor/scalable/apps/zsdesk.svg; do
    if [ -e "$SCRATCH/root/$f" ] || [ -L "$SCRATCH/root/$f" ]; then ok "/$f"; else fail "missing /$f"; fi
done
if command -v desktop-file-validate >/dev/null; then
    run "desktop-file-validate" desktop-file-validate "$SCRATCH/root/usr/share/applications/zsdesk.desktop"
fi
run "unpacked /opt/zsdesk/zsdesk-cli init" "$SCRATCH/root/opt/zsdesk/zsdesk-cli" init --db "$SCRATCH/unpacked.zsdesk.sqlite"
if dpkg-deb -c "$DEB" | grep -q 'home/'; then fail "package ships files under /home"; else ok "nothing under /home"; fi

# ---------------------------------------------------------------- 5. optional: real install / removal
if [ "$INSTALL_TEST" = 1 ]; then
    step "Install test: dpkg -i, use, dpkg -r"
    if dpkg -s zsdesk >/dev/null 2>&1; then
        fail "a zsdesk package is already installed here; not touching it"
    else
        run "dpkg -i" dpkg -i "$DEB"
        run "/usr/bin/zsdesk-cli init" /usr/bin/zsdesk-cli init --db "$SCRATCH/installed.zsdesk.sqlite"
        run "/opt/zsdesk/zsdesk-cli check" /opt/zsdesk/zsdesk-cli check --db "$SCRATCH/installed.zsdesk.sqlite"
        if [ -f /usr/share/mime/globs2 ]; then
            grep -q 'application/x-zsdesk-ledger:\*\.zsdesk\.sqlite' /usr/share/mime/globs2 \
                && ok "MIME database knows *.zsdesk.sqlite" || fail "MIME glob not registered"
        fi
        if command -v gio >/dev/null; then
            TYPE=$(gio info -a standard::content-type "$SCRATCH/installed.zsdesk.sqlite" | sed -n 's/.*content-type: //p')
            [ "$TYPE" = application/x-zsdesk-ledger ] && ok "gio: ledger file is $TYPE" || fail "gio content type: $TYPE"
        fi
        # A user's ledger must survive removal and purge.
        FAKE_HOME="$SCRATCH/home"
        mkdir -p "$FAKE_HOME/.local/share/zsdesk"
        env -u ZSDESK_DATA_DIR -u XDG_DATA_HOME HOME="$FAKE_HOME" /usr/bin/zsdesk-cli demo >/dev/null 2>&1 || true
        LEDGER="$FAKE_HOME/.local/share/zsdesk/台账.zsdesk.sqlite"
        [ -f "$LEDGER" ] && ok "user ledger in ~/.local/share/zsdesk" || fail "no user ledger at $LEDGER"
        run "dpkg -r" dpkg -r zsdesk
        run "dpkg -P" dpkg -P zsdesk
        [ ! -e /opt/zsdesk ] && ok "/opt/zsdesk removed" || fail "/opt/zsdesk left behind: $(find /opt/zsdesk | head -5)"
        [ ! -e /usr/bin/zsdesk ] && ok "/usr/bin/zsdesk removed" || fail "/usr/bin/zsdesk left behind"
        [ -f "$LEDGER" ] && ok "user ledger kept after purge" || fail "user ledger gone after purge"
    fi
fi

# ---------------------------------------------------------------- 6. NSIS script compiles
if command -v makensis >/dev/null; then
    step "NSIS: installer/zsdesk.nsi compiles (against a stub Windows bundle)"
    STUB="$SCRATCH/winstub"
    mkdir -p "$STUB/_internal/resources/icons"
    printf 'stub' >"$STUB/zsdesk.exe"; printf 'stub' >"$STUB/zsdesk-cli.exe"
    cp resources/icons/zsdesk.ico "$STUB/_internal/resources/icons/"
    if makensis -V2 -DDIST="$STUB" -DOUTFILE="$SCRATCH/zsdesk-setup-stub.exe" \
        installer/zsdesk.nsi >"$SCRATCH/nsis.log" 2>&1; then
        ok "makensis $(makensis -VERSION): $(du -k "$SCRATCH/zsdesk-setup-stub.exe" | cut -f1) KiB setup stub"
    else
        fail "makensis"; tail -20 "$SCRATCH/nsis.log"
    fi
fi

# ---------------------------------------------------------------- summary
step "Summary"
echo "   bundle  $BUNDLE: $(mib "$BUNDLE") MiB ($(find "$BUNDLE" -type f | wc -l) files), needs glibc >= $GLIBC"
echo "   deb     $DEB: $(( $(stat -c %s "$DEB") / 1024 / 1024 )) MiB (installed $(( INSTALLED_KB / 1024 )) MiB)"
echo "   time    bundle ${T_BUNDLE}s, +deb $(( T_DEB - T_BUNDLE ))s, total $(( $(date +%s) - T0 ))s"
if [ "$FAILURES" -gt 0 ]; then echo "   $FAILURES check(s) FAILED"; exit 1; fi
echo "   all checks passed"
