/**
 * The application menu, as a pure function of the platform so both conventions are testable
 * without Electron: macOS gets the app menu (About, Settings, Services, Hide, Quit) plus Edit, View,
 * Window and Help; Windows and Linux get File, Edit, View and Help, with About under Help.
 * Wiring (app-shell.ts): Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(...))).
 */
import type { MenuItemConstructorOptions } from 'electron';

/** What the app-specific items do; the lead's shell forwards them to the renderer (About dialog, Settings screen). */
export interface ApplicationMenuActions {
  showAbout(): void;
  showSettings(): void;
  /** The About dialog's list of third-party licenses. */
  showLicenses(): void;
  /**
   * macOS, packaged app: offer the command that links the `timeline-auditor` shim onto the PATH
   * (docs/scheduling.md). Absent, the menu has no such item.
   */
  offerCommandLineTool?: () => void;
}

export interface ApplicationMenuOptions {
  /** Reload and the developer tools: only in development (`!app.isPackaged`), never for users. */
  developerTools: boolean;
}

export const APP_NAME = 'Timeline Auditor';

export function applicationMenuTemplate(platform: NodeJS.Platform, actions: ApplicationMenuActions, options: ApplicationMenuOptions = { developerTools: false }): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const separator: MenuItemConstructorOptions = { type: 'separator' };
  const about: MenuItemConstructorOptions = { id: 'about', label: `About ${APP_NAME}`, click: () => actions.showAbout() };
  const settings: MenuItemConstructorOptions = { id: 'settings', label: 'Settings…', accelerator: 'CommandOrControl+,', click: () => actions.showSettings() };
  const licenses: MenuItemConstructorOptions = { id: 'licenses', label: 'Open-Source Licenses', click: () => actions.showLicenses() };

  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [{ role: 'undo' }, { role: 'redo' }, separator, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, ...(mac ? [{ role: 'pasteAndMatchStyle' } as const] : []), { role: 'delete' }, separator, { role: 'selectAll' }],
  };
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(options.developerTools ? [{ role: 'reload' } as const, { role: 'forceReload' } as const, { role: 'toggleDevTools' } as const, separator] : []),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      separator,
      { role: 'togglefullscreen' },
    ],
  };

  const commandLineTool: MenuItemConstructorOptions[] = actions.offerCommandLineTool === undefined ? [] : [{ id: 'command-line-tool', label: 'Install “timeline-auditor” Command…', click: () => actions.offerCommandLineTool?.() }];

  if (mac) {
    return [
      {
        label: APP_NAME,
        submenu: [about, separator, settings, ...commandLineTool, separator, { role: 'services' }, separator, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, separator, { role: 'quit' }],
      },
      edit,
      view,
      { role: 'window', label: 'Window', submenu: [{ role: 'minimize' }, { role: 'zoom' }, separator, { role: 'front' }] },
      { role: 'help', label: 'Help', submenu: [licenses] },
    ];
  }
  return [
    // Windows says "Exit" (Alt+F4 is the system's own shortcut); Linux desktops say "Quit" (Ctrl+Q).
    { label: '&File', submenu: [settings, separator, platform === 'win32' ? { role: 'quit', label: 'E&xit' } : { role: 'quit', label: '&Quit', accelerator: 'Control+Q' }] },
    { ...edit, label: '&Edit' },
    { ...view, label: '&View' },
    { role: 'help', label: '&Help', submenu: [licenses, separator, about] },
  ];
}
