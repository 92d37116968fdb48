; NSIS installer for meetdesk (Windows, 64-bit). Packs the PyInstaller one-folder bundle.
;
;   makensis /DVERSION=0.1.0 /DSOURCE_DIR=dist\meetdesk /DOUTFILE=dist\meetdesk-0.1.0-setup.exe packaging\windows\meetdesk.nsi
;
; VERSION     the application version, three numbers (meetdesk.__version__)
; SOURCE_DIR  the bundle folder holding meetdesk.exe, meetdesk-cli.exe and _internal\ (relative to this script or
;             absolute); default ..\..\dist\meetdesk
; OUTFILE     where to write the installer; default ..\..\dist\meetdesk-${VERSION}-setup.exe
; TARGET      optional stub target, e.g. amd64-unicode for a 64-bit installer where NSIS has those stubs (Debian's
;             nsis does; the Windows release ships x86 stubs only, which is the default and fine for a 64-bit app)
;
; Installs to Program Files\MeetDesk for all users, adds a Start-menu entry and an "Apps & features" entry with an
; uninstaller. An older installation is uninstalled first, so no stale files of it stay in _internal\.

!ifdef TARGET
  Target ${TARGET}
!else
  Unicode true
!endif
ManifestDPIAware true
SetCompressor /SOLID lzma

!ifndef VERSION
  !error "Pass the version: makensis /DVERSION=x.y.z meetdesk.nsi"
!endif
!ifndef SOURCE_DIR
  !define SOURCE_DIR "..\..\dist\meetdesk"
!endif
!ifndef OUTFILE
  !define OUTFILE "..\..\dist\meetdesk-${VERSION}-setup.exe"
!endif
!ifndef ICON
  !define ICON "..\..\resources\icons\meetdesk.ico"
!endif

!define APP_NAME "MeetDesk"
!define APP_ID "org.meetdesk.MeetDesk"
!define PUBLISHER "meetdesk developers"
!define HOMEPAGE "https://github.com/meetdesk/meetdesk"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"

!include "MUI2.nsh"
!include "x64.nsh"
!include "FileFunc.nsh"

Name "${APP_NAME}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP_NAME}"
InstallDirRegKey HKLM "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel admin
BrandingText "${APP_NAME} ${VERSION}"

; file metadata of the installer itself (Properties > Details)
VIProductVersion "${VERSION}.0"
VIFileVersion "${VERSION}.0"
VIAddVersionKey /LANG=1033 "ProductName" "${APP_NAME}"
VIAddVersionKey /LANG=1033 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=1033 "FileDescription" "${APP_NAME} ${VERSION} installer"
VIAddVersionKey /LANG=1033 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=1033 "LegalCopyright" "GPL-3.0-or-later, ${PUBLISHER}"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\meetdesk.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APP_NAME} now"

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "${APP_NAME} needs a 64-bit version of Windows."
    Abort
  ${EndIf}
  SetRegView 64
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

Section "${APP_NAME}" SecMain
  SectionIn RO

  ; an earlier version: run its uninstaller in place and wait for it
  ReadRegStr $0 HKLM "${UNINSTALL_KEY}" "InstallLocation"
  ${If} $0 != ""
  ${AndIf} ${FileExists} "$0\uninstall.exe"
    DetailPrint "Removing the installed version from $0"
    ExecWait '"$0\uninstall.exe" /S _?=$0'
    Delete "$0\uninstall.exe"
    RMDir "$0"
  ${EndIf}

  SetOutPath "$INSTDIR"
  File /r "${SOURCE_DIR}\*.*"
  File "/oname=meetdesk.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  SetShellVarContext all
  CreateShortCut "$SMPROGRAMS\${APP_NAME}.lnk" "$INSTDIR\meetdesk.exe" "" "$INSTDIR\meetdesk.ico" 0 \
    SW_SHOWNORMAL "" "Rooms and meetings on all your conferencing servers"

  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayName" "${APP_NAME}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "URLInfoAbout" "${HOMEPAGE}"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\meetdesk.ico"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section "Uninstall"
  SetShellVarContext all
  Delete "$SMPROGRAMS\${APP_NAME}.lnk"

  ; only what the installer put there: never a recursive delete of a folder the user may have chosen
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\meetdesk.exe"
  Delete "$INSTDIR\meetdesk-cli.exe"
  Delete "$INSTDIR\meetdesk.ico"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegKey HKLM "${UNINSTALL_KEY}"
SectionEnd
