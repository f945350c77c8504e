/**
 * The renderer's Content-Security-Policy, in both shells (Electron sets it as a response header via
 * the session, the loopback host sends it, and renderer/index.html carries the same in a meta tag).
 * Scripts only from the app itself; no eval; no remote anything. 'unsafe-inline' for styles only,
 * because MUI (emotion) injects <style> elements at run time.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
