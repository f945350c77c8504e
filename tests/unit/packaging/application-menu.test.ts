import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { applicationMenuTemplate, type ApplicationMenuActions } from '../../../main/electron/menu.js';

function recordingActions(): ApplicationMenuActions & { calls: string[] } {
  const calls: string[] = [];
  return { calls, showAbout: () => calls.push('about'), showSettings: () => calls.push('settings'), showLicenses: () => calls.push('licenses') };
}

const label = (item: MenuItemConstructorOptions): string => (item.label ?? item.role ?? item.type ?? '').replace(/&/g, '');
const submenu = (item: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] => {
  if (item === undefined || !Array.isArray(item.submenu)) throw new Error(`${item === undefined ? 'missing menu' : label(item)} has no submenu`);
  return item.submenu;
};
const everyItem = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? everyItem(item.submenu) : [])]);
const byId = (items: MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions => {
  const found = everyItem(items).find((item) => item.id === id);
  if (found === undefined) throw new Error(`no menu item ${id}`);
  return found;
};
const click = (item: MenuItemConstructorOptions): void => item.click?.({} as never, undefined, {});

describe('the application menu on macOS', () => {
  const actions = recordingActions();
  const menu = applicationMenuTemplate('darwin', actions);

  it('has the app menu first, then Edit, View, Window and Help', () => {
    expect(menu.map(label)).toEqual(['Timeline Auditor', 'Edit', 'View', 'Window', 'Help']);
  });

  it('puts About, Settings, Services, Hide and Quit in the app menu', () => {
    const appMenu = submenu(menu[0]);
    expect(appMenu.map(label)).toEqual(['About Timeline Auditor', 'separator', 'Settings…', 'separator', 'services', 'separator', 'hide', 'hideOthers', 'unhide', 'separator', 'quit']);
    expect(appMenu.find((item) => item.id === 'settings')?.accelerator).toBe('CommandOrControl+,');
  });

  it('has the standard Edit items (so copy and paste work in the window) and a Window menu', () => {
    expect(
      submenu(menu[1])
        .map((item) => item.role)
        .filter(Boolean),
    ).toEqual(['undo', 'redo', 'cut', 'copy', 'paste', 'pasteAndMatchStyle', 'delete', 'selectAll']);
    expect(menu[3]?.role).toBe('window');
    expect(
      submenu(menu[3])
        .map((item) => item.role)
        .filter(Boolean),
    ).toEqual(['minimize', 'zoom', 'front']);
    expect(menu[4]?.role).toBe('help');
  });

  it('runs the app actions from About, Settings and Licenses', () => {
    click(byId(menu, 'about'));
    click(byId(menu, 'settings'));
    click(byId(menu, 'licenses'));
    expect(actions.calls).toEqual(['about', 'settings', 'licenses']);
  });
});

describe('the application menu on Windows and Linux', () => {
  it('has File, Edit, View and Help, with About under Help and no macOS-only items', () => {
    for (const platform of ['win32', 'linux'] as const) {
      const menu = applicationMenuTemplate(platform, recordingActions());
      expect(menu.map(label)).toEqual(['File', 'Edit', 'View', 'Help']);
      expect(submenu(menu[3]).map(label)).toEqual(['Open-Source Licenses', 'separator', 'About Timeline Auditor']);
      const roles = everyItem(menu).map((item) => item.role);
      for (const macOnly of ['services', 'hide', 'hideOthers', 'unhide', 'front', 'pasteAndMatchStyle']) expect(roles).not.toContain(macOnly);
      expect(roles).toContain('quit');
    }
  });

  it('says Exit on Windows and Quit (Ctrl+Q) on Linux', () => {
    const quit = (platform: NodeJS.Platform) => everyItem(applicationMenuTemplate(platform, recordingActions())).find((item) => item.role === 'quit');
    expect(label(quit('win32')!)).toBe('Exit');
    expect(quit('win32')?.accelerator).toBeUndefined();
    expect(label(quit('linux')!)).toBe('Quit');
    expect(quit('linux')?.accelerator).toBe('Control+Q');
  });

  it('runs Settings from File and About from Help', () => {
    const actions = recordingActions();
    const menu = applicationMenuTemplate('win32', actions);
    click(submenu(menu[0])[0]!);
    click(submenu(menu[3])[2]!);
    expect(actions.calls).toEqual(['settings', 'about']);
  });
});

describe('developer items', () => {
  it('offers reload and the developer tools only in development', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const shipped = everyItem(applicationMenuTemplate(platform, recordingActions())).map((item) => item.role);
      expect(shipped).not.toContain('toggleDevTools');
      expect(shipped).not.toContain('reload');
      const development = everyItem(applicationMenuTemplate(platform, recordingActions(), { developerTools: true })).map((item) => item.role);
      expect(development).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']));
    }
  });

  it('gives no two items of one platform the same accelerator', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const accelerators = everyItem(applicationMenuTemplate(platform, recordingActions(), { developerTools: true }))
        .map((item) => item.accelerator)
        .filter((accelerator): accelerator is string => accelerator !== undefined);
      expect(new Set(accelerators).size).toBe(accelerators.length);
    }
  });
});
