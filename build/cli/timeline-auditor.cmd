@echo off
rem `timeline-auditor`: the command line of the installed Timeline Auditor. The NSIS installer puts
rem this folder (resources\bin) on the user's PATH (build/installer.nsh).
rem
rem How the output reaches the console: Timeline Auditor.exe is a GUI-subsystem program, so Windows
rem gives it no console of its own; Electron attaches it to the parent's console at start-up
rem (AttachConsole(ATTACH_PARENT_PROCESS), unless ELECTRON_NO_ATTACH_CONSOLE is set, hence cleared
rem below) and keeps stdout/stderr that are already redirected to a file or pipe. Inside a batch
rem file cmd.exe waits for a GUI program to finish (at an interactive prompt it would not), so the
rem output comes before the next prompt and ERRORLEVEL is the command's exit code.
setlocal
set ELECTRON_NO_ATTACH_CONSOLE=
"%~dp0..\..\Timeline Auditor.exe" --cli %*
exit /b %ERRORLEVEL%
