; zsdesk (招商桌面) setup program for Windows 10/11: per-user, no administrator rights needed.
;
;   makensis installer\zsdesk.nsi          (after pyinstaller has built dist\zsdesk)
;
; Optional defines (-D on Linux, /D or -D on Windows); relative paths are relative to THIS
; folder (installer\), as makensis resolves them from the script's directory:
;   DIST     the PyInstaller one-folder bundle built on Windows (zsdesk.exe, zsdesk-cli.exe,
;            _internal\); default ..\dist\zsdesk
;   VERSION  default: the version in pyproject.toml
;   OUTFILE  default ..\dist\zsdesk-setup-VERSION.exe
; Installs to %LOCALAPPDATA%\Programs\zsdesk. The user's ledgers, backups and logs live in
; %LOCALAPPDATA%\zsdesk (platformdirs) and are never touched by the installer or uninstaller.

Unicode true
ManifestDPIAware true

!ifndef DIST
  !define DIST "..\dist\zsdesk"
!endif
!ifndef VERSION
  ; The first `version = "…"` line of pyproject.toml is the [project] version.
  !searchparse /file "..\pyproject.toml" 'version = "' VERSION '"'
!endif
!ifndef OUTFILE
  !define OUTFILE "..\dist\zsdesk-setup-${VERSION}.exe"
!endif
!if /FileExists "${DIST}\zsdesk.exe"
!else
  !error "No Windows bundle at ${DIST} (relative to installer\): run pyinstaller installer\zsdesk.spec on Windows first, or pass -DDIST=<absolute path>"
!endif

!define APP_NAME "招商桌面"
!define PROGID "zsdesk.ledger"
!define LEDGER_EXT ".sqlite"  ; Windows associates by the last extension of 台账.zsdesk.sqlite
!define UNINST_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\zsdesk"
!define DATA_DIR "$LOCALAPPDATA\zsdesk"

Name "${APP_NAME}"
Caption "${APP_NAME} ${VERSION} 安装程序"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\zsdesk"
InstallDirRegKey HKCU "Software\zsdesk" "InstallDir"
RequestExecutionLevel user
SetCompressor /SOLID lzma
BrandingText "${APP_NAME} ${VERSION}"

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WinVer.nsh"

!define MUI_ICON "${DIST}\_internal\resources\icons\zsdesk.ico"
!define MUI_UNICON "${DIST}\_internal\resources\icons\zsdesk.ico"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TEXT "将在本机为当前用户安装 ${APP_NAME} ${VERSION}，不需要管理员权限。$\r$\n$\r$\n台账保存在 ${DATA_DIR}，升级或卸载都不会删除台账。"
!define MUI_FINISHPAGE_RUN "$INSTDIR\zsdesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "立即运行招商桌面"
!define MUI_UNCONFIRMPAGE_TEXT_TOP "将从本机卸载 ${APP_NAME}。您的台账、备份和日志（${DATA_DIR}）会保留。"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "SimpChinese"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileDescription" "${APP_NAME} 安装程序"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=${LANG_SIMPCHINESE} "LegalCopyright" "zsdesk"

Function .onInit
  SetShellVarContext current
  ${IfNot} ${AtLeastWin10}
    MessageBox MB_ICONSTOP "招商桌面需要 Windows 10 或更新的版本。"
    Abort
  ${EndIf}
FunctionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "招商桌面" SecMain
  SectionIn RO
  ; Replace the previous version's program files instead of mixing old and new libraries.
  RMDir /r "$INSTDIR\_internal"
  SetOutPath "$INSTDIR"
  File /r "${DIST}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\zsdesk.exe" "" "$INSTDIR\zsdesk.exe" 0
  CreateShortcut "$DESKTOP\${APP_NAME}.lnk" "$INSTDIR\zsdesk.exe" "" "$INSTDIR\zsdesk.exe" 0

  ; File association (current user only): double-clicking a ledger opens it in zsdesk.
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "招商桌面台账"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\zsdesk.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\zsdesk.exe" --db "%1"'
  WriteRegStr HKCU "Software\Classes\${LEDGER_EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\Applications\zsdesk.exe" "FriendlyAppName" "${APP_NAME}"
  WriteRegStr HKCU "Software\Classes\Applications\zsdesk.exe\SupportedTypes" "${LEDGER_EXT}" ""
  WriteRegStr HKCU "Software\Classes\Applications\zsdesk.exe\shell\open\command" "" '"$INSTDIR\zsdesk.exe" --db "%1"'
  ; Become the default for .sqlite only when no other program claims it (other SQLite tools
  ; keep their association; zsdesk then appears under "打开方式").
  ReadRegStr $0 HKCR "${LEDGER_EXT}" ""
  ${If} $0 == ""
  ${OrIf} $0 == "${PROGID}"
    WriteRegStr HKCU "Software\Classes\${LEDGER_EXT}" "" "${PROGID}"
    WriteRegDWORD HKCU "${UNINST_KEY}" "OwnsLedgerExtension" 1
  ${EndIf}
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  ; Entry in 设置 → 应用.
  WriteRegStr HKCU "Software\zsdesk" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINST_KEY}" "Publisher" "zsdesk"
  WriteRegStr HKCU "${UNINST_KEY}" "DisplayIcon" "$INSTDIR\zsdesk.exe,0"
  WriteRegStr HKCU "${UNINST_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINST_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINST_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINST_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $1 $2 $3
  IntFmt $1 "0x%08X" $1
  WriteRegDWORD HKCU "${UNINST_KEY}" "EstimatedSize" "$1"
SectionEnd

Section "Uninstall"
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"
  Delete "$DESKTOP\${APP_NAME}.lnk"

  ; Only the program's own files. Ledgers are in ${DATA_DIR} and stay; the install folder itself
  ; is removed only when empty, so a ledger someone saved into it survives too.
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\zsdesk.exe"
  Delete "$INSTDIR\zsdesk-cli.exe"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  ; Undo the file association, leaving other programs' claims on .sqlite alone.
  ReadRegDWORD $0 HKCU "${UNINST_KEY}" "OwnsLedgerExtension"
  ReadRegStr $1 HKCU "Software\Classes\${LEDGER_EXT}" ""
  ${If} $0 == 1
  ${AndIf} $1 == "${PROGID}"
    DeleteRegValue HKCU "Software\Classes\${LEDGER_EXT}" ""
  ${EndIf}
  DeleteRegValue HKCU "Software\Classes\${LEDGER_EXT}\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${LEDGER_EXT}\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\${LEDGER_EXT}"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegKey HKCU "Software\Classes\Applications\zsdesk.exe"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  DeleteRegKey HKCU "${UNINST_KEY}"
  DeleteRegKey HKCU "Software\zsdesk"
  DetailPrint "您的台账、备份和日志保存在 ${DATA_DIR}，已保留。"
SectionEnd
