"""Cheap checks of the installer sources (the full build is `bash installer/build.sh`, ~5 min).

They catch the mistakes that would only show on a clerk's PC: a desktop entry the menu ignores,
a MIME glob that misses the default ledger name, an uninstaller that deletes ledgers, a spec
that forgets the migrations.
"""

from __future__ import annotations

import ast
import fnmatch
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from zsdesk.paths import default_ledger_path

ROOT = Path(__file__).resolve().parent.parent
INSTALLER = ROOT / "installer"
DESKTOP = INSTALLER / "linux" / "zsdesk.desktop"
MIME = INSTALLER / "linux" / "zsdesk-mime.xml"
NSI = INSTALLER / "zsdesk.nsi"
SPEC = INSTALLER / "zsdesk.spec"
ICONS = ROOT / "resources" / "icons"
MIME_NS = "{http://www.freedesktop.org/standards/shared-mime-info}"


def desktop_entry() -> dict[str, str]:
    lines = DESKTOP.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:] if line and not line.startswith("#"))


def test_desktop_entry_opens_ledgers_from_the_office_menu() -> None:
    entry = desktop_entry()
    assert entry["Name"] == "招商桌面"
    assert entry["Name[zh_CN]"] == "招商桌面"
    assert entry["Categories"] == "Office;"
    assert entry["Icon"] == "zsdesk"
    assert entry["Terminal"] == "false"
    # The file comes in as --db PATH; with no file %f expands to nothing and the default ledger opens.
    assert entry["Exec"].split() == ["/opt/zsdesk/zsdesk", "--db", "%f"]
    mime_type = ET.parse(MIME).getroot().find(f"{MIME_NS}mime-type")
    assert mime_type is not None
    assert entry["MimeType"] == mime_type.get("type") + ";"


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_entry_validates() -> None:
    result = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_mime_glob_matches_the_default_ledger_name() -> None:
    mime_type = ET.parse(MIME).getroot().find(f"{MIME_NS}mime-type")
    assert mime_type is not None and mime_type.get("type") == "application/x-zsdesk-ledger"
    globs = [g.get("pattern") for g in mime_type.findall(f"{MIME_NS}glob")]
    name = default_ledger_path().name
    assert name == "台账.zsdesk.sqlite"
    assert any(fnmatch.fnmatch(name, g) for g in globs)
    assert not any(fnmatch.fnmatch("other.sqlite", g) for g in globs)  # plain SQLite files stay alone


def test_maintainer_scripts_never_touch_home_folders() -> None:
    for script in ("postinst", "prerm", "postrm"):
        text = (INSTALLER / "linux" / script).read_text(encoding="utf-8")
        result = subprocess.run(["sh", "-n", str(INSTALLER / "linux" / script)], capture_output=True, timeout=30)
        assert result.returncode == 0, script
        for line in text.splitlines():
            code = line.split("#", 1)[0]
            if re.search(r"\brm\b|\brmdir\b", code):
                assert "/opt/zsdesk" in code and "home" not in code and ".local" not in code, (script, line)


def test_control_template_is_filled_by_build_script() -> None:
    placeholders = set(re.findall(r"@([A-Z_]+)@", (INSTALLER / "linux" / "control.in").read_text(encoding="utf-8")))
    build = (INSTALLER / "build.sh").read_text(encoding="utf-8")
    assert placeholders == {"VERSION", "ARCH", "INSTALLED_SIZE", "GLIBC"}
    for name in placeholders:
        assert f"s/@{name}@/" in build
    assert subprocess.run(["bash", "-n", str(INSTALLER / "build.sh")], timeout=30).returncode == 0


def nsis_section(name: str) -> str:
    text = NSI.read_text(encoding="utf-8")
    match = re.search(rf'^Section "{name}".*?^SectionEnd', text, re.S | re.M)
    assert match, name
    return match.group(0)


def test_nsis_per_user_chinese_install_with_association() -> None:
    text = NSI.read_text(encoding="utf-8")
    assert "Unicode true" in text
    assert "RequestExecutionLevel user" in text
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\zsdesk"' in text
    assert '!insertmacro MUI_LANGUAGE "SimpChinese"' in text
    main = nsis_section("招商桌面")
    assert "HKLM" not in text  # per-user: nothing machine-wide
    assert '"$INSTDIR\\zsdesk.exe" --db "%1"' in main
    assert "OpenWithProgids" in main
    assert "$SMPROGRAMS" in main and "$DESKTOP" in main


def test_nsis_uninstaller_keeps_ledgers() -> None:
    uninstall = nsis_section("Uninstall")
    recursive = re.findall(r"RMDir\s+/r\s+(\S+)", uninstall)
    assert recursive == ['"$INSTDIR\\_internal"']  # the install folder itself only if empty
    assert re.search(r'^\s*RMDir\s+"\$INSTDIR"\s*$', uninstall, re.M)
    for line in uninstall.splitlines():
        if re.match(r"\s*(Delete|RMDir)\b", line):
            assert "DATA_DIR" not in line and "$LOCALAPPDATA\\zsdesk" not in line and ".sqlite" not in line, line


@pytest.mark.skipif(shutil.which("makensis") is None, reason="nsis not installed")
def test_nsis_script_compiles(tmp_path: Path) -> None:
    stub = tmp_path / "dist"
    (stub / "_internal" / "resources" / "icons").mkdir(parents=True)
    (stub / "zsdesk.exe").write_bytes(b"stub")
    (stub / "zsdesk-cli.exe").write_bytes(b"stub")
    shutil.copy(ICONS / "zsdesk.ico", stub / "_internal" / "resources" / "icons")
    out = tmp_path / "zsdesk-setup.exe"
    result = subprocess.run(
        ["makensis", "-V2", f"-DDIST={stub}", f"-DOUTFILE={out}", str(NSI)],  # VERSION from pyproject
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert out.read_bytes()[:2] == b"MZ"


def test_spec_bundles_migrations_resources_and_both_programs() -> None:
    source = SPEC.read_text(encoding="utf-8")
    ast.parse(source)
    assert '"resources"' in source and '"zsdesk/migrations"' in source
    assert '{".py", ".mako"}' in source  # Alembic loads env.py and versions/*.py as files
    assert 'ROOT / "ui" / "launcher.py"' in source and 'ROOT / "installer" / "zsdesk_cli.py"' in source
    assert 'name="zsdesk", console=False' in source and 'name="zsdesk-cli", console=True' in source
    for plugin in ("qxcb", "qoffscreen", "qwindows", "cupsprintersupport", "windowsprintersupport", "qsvg"):
        assert f'"{plugin}"' in source, plugin
    assert (ROOT / "ui" / "launcher.py").is_file()
    assert (ROOT / "zsdesk" / "migrations" / "env.py").is_file()
    assert any((ROOT / "zsdesk" / "migrations" / "versions").glob("*.py"))


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_icons_exist_in_every_size() -> None:
    assert png_size(ICONS / "zsdesk.png") == (256, 256)
    for size in (16, 32, 48, 64, 128):
        assert png_size(ICONS / f"zsdesk-{size}.png") == (size, size)
    svg = ET.parse(ICONS / "zsdesk.svg").getroot()
    assert svg.get("viewBox") == "0 0 256 256"
    ico = (ICONS / "zsdesk.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1)
    sizes = {ico[6 + 16 * i] or 256 for i in range(count)}
    assert {16, 32, 48, 256} <= sizes


def test_build_script_sets_itself_up_on_a_fresh_clone(tmp_path: Path) -> None:
    """`bash installer/build.sh` needs no separate README step: its dry run names the apt packages
    it would install and the build venv with PyInstaller, and creates nothing."""
    venv = tmp_path / "build-venv"
    result = subprocess.run(
        ["bash", str(INSTALLER / "build.sh"), "--dry-run"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "ZSDESK_BUILD_VENV": str(venv), "ZSDESK_BASE_PYTHON": "python3"},
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "scripts/setup.sh" in out
    assert "pyinstaller" in out and str(venv) in out and "-m venv" in out
    assert "apt-get install" in out or "all present" in out
    for package in ("binutils", "nsis", "xvfb", "imagemagick"):
        assert package in out, package
    assert not venv.exists()
    # The build really uses that venv's Python (not a bare python3 without PyInstaller).
    source = (INSTALLER / "build.sh").read_text(encoding="utf-8")
    assert 'PYTHON="$BUILD_VENV/bin/python"' in source
    assert '-m PyInstaller' in source


def test_build_script_rejects_unknown_options() -> None:
    result = subprocess.run(["bash", str(INSTALLER / "build.sh"), "--frobnicate"], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "unknown option" in result.stderr
