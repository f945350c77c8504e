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

/**
 * The policy of the `npm run dev` window only: the same, except that scripts carrying the dev
 * server's nonce may run inline — @vitejs/plugin-react injects its Fast Refresh preamble as an
 * inline module script, which `script-src 'self'` blocks (a blank window). Vite adds the nonce to
 * the tags it serves (`html.cspNonce`, electron.vite.config.ts); packaged builds never use this.
 */
export function devContentSecurityPolicy(nonce: string): string {
  if (!/^[A-Za-z0-9+/_-]+=*$/.test(nonce)) throw new Error('A CSP nonce is base64 (or base64url).');
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`);
}
