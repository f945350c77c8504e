/**
 * The Electron security checklist, as plain functions over narrow interfaces so that a test can
 * assert every rule on the window the app creates (tests/unit/electron) without an Electron binary.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Timeline Auditor',
    backgroundColor: '#121212',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** The few WebContents hooks the hardening needs, adapted from Electron's events in main.ts. */
export interface GuardedWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
  onWillNavigate(listener: (url: string, preventDefault: () => void) => void): void;
  onWillAttachWebview(listener: (preventDefault: () => void) => void): void;
}

/** Which URLs may be handed to the system browser: https, plus origins allowed at run time (the demo sandbox's consent page). */
export class ExternalUrlPolicy {
  readonly #extraOrigins = new Set<string>();

  allowOrigin(origin: string): void {
    this.#extraOrigins.add(new URL(origin).origin);
  }

  revokeOrigin(origin: string): void {
    this.#extraOrigins.delete(new URL(origin).origin);
  }

  isAllowed(candidate: string): boolean {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      return false;
    }
    if (url.username !== '' || url.password !== '') return false;
    if (url.protocol === 'https:') return true;
    return this.#extraOrigins.has(url.origin);
  }
}

/**
 * No new windows (links open in the system browser when the policy allows), no navigation away from
 * the app, no <webview>. Called for every WebContents the app creates.
 */
export function hardenWebContents(contents: GuardedWebContents, isAppUrl: (url: string) => boolean, openExternal: (url: string) => Promise<void>, policy: ExternalUrlPolicy): void {
  contents.setWindowOpenHandler(({ url }) => {
    // A link the system browser could not take stays unopened; the rejection must not go unhandled.
    if (policy.isAllowed(url)) openExternal(url).catch(() => undefined);
    return { action: 'deny' };
  });
  contents.onWillNavigate((url, preventDefault) => {
    if (!isAppUrl(url)) preventDefault();
  });
  contents.onWillAttachWebview((preventDefault) => preventDefault());
}

/** The frame that sent an IPC message, as far as the origin check needs it. */
export interface SenderFrame {
  url: string;
  /** null for a top-level frame. */
  parent: unknown;
}

/**
 * IPC is answered only for the app's own top-level page: the packaged file, or the dev server's
 * origin during `npm run dev`. A frame from anywhere else (an injected iframe, a navigated page)
 * gets an error and no handler runs.
 */
export function createSenderCheck(appPageUrl: string): (frame: SenderFrame | null | undefined) => boolean {
  const expected = new URL(appPageUrl);
  return (frame) => {
    if (frame === null || frame === undefined || frame.parent !== null) return false;
    let actual: URL;
    try {
      actual = new URL(frame.url);
    } catch {
      return false;
    }
    if (expected.protocol === 'file:') return actual.protocol === 'file:' && actual.pathname === expected.pathname;
    return actual.origin === expected.origin;
  };
}

/** One permission question, from either of Electron's handlers (request or check). */
export interface PermissionQuestion {
  permission: string;
  /** The URL of the frame asking (details.requestingUrl). */
  requestingUrl: string;
  isMainFrame: boolean;
}

export type PermissionDecider = (question: PermissionQuestion) => boolean;

/**
 * The permissions the app page is granted: only writing sanitized text to the clipboard, which
 * `navigator.clipboard.writeText` needs (the Copy buttons: fingerprint, Zoho filter, event detail).
 * Reading the clipboard, notifications, media, geolocation… and everything asked by any other page
 * or by a sub-frame stay denied.
 */
export const APP_PAGE_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

export function permissionDecider(isTrustedSender: (frame: SenderFrame) => boolean): PermissionDecider {
  return ({ permission, requestingUrl, isMainFrame }) => APP_PAGE_PERMISSIONS.has(permission) && isTrustedSender({ url: requestingUrl, parent: isMainFrame ? null : {} });
}
