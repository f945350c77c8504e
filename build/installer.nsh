; electron-builder `nsis.include`: puts the `timeline-auditor` command on the user's PATH.
; resources\bin holds timeline-auditor.cmd (build/cli); its folder is added to the per-user PATH
; (HKCU\Environment, no administrator rights, like the per-user install itself) and removed again
; on uninstall, but not on an update (the updater runs the old uninstaller, then the new installer).
; Plain NSIS string loops, no plugins: Windows compares paths case-insensitively, so does StrCmp.

!include "WinMessages.nsh"

!define TA_CLI_DIR "$INSTDIR\resources\bin"

!macro customInstall
  Push $R0
  Push $R1
  Push $R2
  Push $R3
  Push $R4
  Push $R5
  ReadRegStr $R0 HKCU "Environment" "Path"
  StrLen $R1 $R0
  ; NSIS strings hold 8192 characters here: a longer PATH would be cut short by writing it back.
  ${If} $R1 > 7800
    DetailPrint "Your PATH is too long to extend safely. To use timeline-auditor in a terminal, add ${TA_CLI_DIR} to it."
  ${Else}
    ; Is ";<dir>;" in ";<PATH>;"?
    StrCpy $R2 ";$R0;"
    StrCpy $R3 ";${TA_CLI_DIR};"
    StrLen $R4 $R3
    StrLen $R1 $R2
    StrCpy $R5 0
    ta_search:
      IntCmp $R5 $R1 ta_absent 0 ta_absent
      StrCpy $R0 $R2 $R4 $R5
      StrCmp $R0 $R3 ta_present
      IntOp $R5 $R5 + 1
      Goto ta_search
    ta_absent:
      ReadRegStr $R0 HKCU "Environment" "Path"
      ${If} $R0 == ""
        StrCpy $R0 "${TA_CLI_DIR}"
      ${Else}
        StrCpy $R0 "$R0;${TA_CLI_DIR}"
      ${EndIf}
      WriteRegExpandStr HKCU "Environment" "Path" "$R0"
      ; New terminals see the change without signing out.
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
    ta_present:
  ${EndIf}
  Pop $R5
  Pop $R4
  Pop $R3
  Pop $R2
  Pop $R1
  Pop $R0
!macroend

!macro customUnInstall
  ${IfNot} ${isUpdated}
    Push $R0
    Push $R1
    Push $R2
    Push $R3
    Push $R4
    Push $R5
    ReadRegStr $R0 HKCU "Environment" "Path"
    StrLen $R3 $R0
    ${If} $R3 <= 7800
      ; Rebuild PATH entry by entry, leaving out ours (and the empty entries that would leave).
      StrCpy $R1 ""
      StrCpy $R2 ""
      StrCpy $R4 0
      ta_next_char:
        IntCmp $R4 $R3 ta_entry_done 0 ta_entry_done
        StrCpy $R5 $R0 1 $R4
        IntOp $R4 $R4 + 1
        StrCmp $R5 ";" ta_entry_done
        StrCpy $R2 "$R2$R5"
        Goto ta_next_char
      ta_entry_done:
        StrCmp $R2 "${TA_CLI_DIR}" ta_entry_skipped
        StrCmp $R2 "" ta_entry_skipped
        StrCmp $R1 "" 0 +3
          StrCpy $R1 "$R2"
          Goto ta_entry_skipped
        StrCpy $R1 "$R1;$R2"
      ta_entry_skipped:
        StrCpy $R2 ""
        IntCmp $R4 $R3 0 ta_next_char 0
      StrCmp $R1 $R0 ta_unchanged
        WriteRegExpandStr HKCU "Environment" "Path" "$R1"
        SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
      ta_unchanged:
    ${EndIf}
    Pop $R5
    Pop $R4
    Pop $R3
    Pop $R2
    Pop $R1
    Pop $R0
  ${EndIf}
!macroend
