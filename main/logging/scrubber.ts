/**
 * Removes secrets from everything that is logged. Two nets: patterns (what a secret looks like —
 * bearer tokens, Authorization headers, OAuth parameters in query strings and JSON, PEM private
 * keys, Zoho's token shape) and values (every secret the process has seen — tokens, client secret,
 * code, state, PKCE verifier, passphrase — registered as it appears and replaced wherever it shows up).
 */
export const REDACTED = '[redacted]';

/** Names whose values are secrets, in query strings, form bodies, JSON and object keys (compared lower-case, without - and _). */
const SECRET_NAMES = ['accesstoken', 'refreshtoken', 'idtoken', 'token', 'clientsecret', 'code', 'state', 'codeverifier', 'passphrase', 'password', 'authorization', 'secret', 'privatekey', 'privatekeypem', 'apikey'];
const isSecretName = (name: string): boolean => SECRET_NAMES.includes(name.toLowerCase().replace(/[-_]/g, ''));

const PARAM_NAMES = 'access_token|refresh_token|id_token|token|client_secret|code|state|code_verifier|passphrase|password';

const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  // PEM private keys, whole block (also a truncated one that never reaches its END line).
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, `-----BEGIN $1PRIVATE KEY----- ${REDACTED}`],
  // Authorization headers in any spelling: "Authorization: Zoho-oauthtoken x", authorization="Bearer x".
  [/(authorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic|zoho-oauthtoken)\s+)?[^\s"',}]+/gi, `$1${REDACTED}`],
  [/\b(bearer|zoho-oauthtoken)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`],
  // OAuth parameters in URLs and form bodies: ?code=…&state=…, access_token=…
  [new RegExp(`([?&#;\\s"']|^)(${PARAM_NAMES})=([^&\\s"'#]+)`, 'gi'), `$1$2=${REDACTED}`],
  // JSON: "access_token": "…", "clientSecret":"…"
  [/("(?:access_?token|refresh_?token|id_?token|client_?secret|code|state|code_?verifier|passphrase|password|authorization|accessToken|refreshToken|clientSecret|codeVerifier)"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, `$1"${REDACTED}"`],
  // Zoho's access and refresh tokens: 1000.<32 hex>.<32 hex>
  [/\b1000\.[0-9a-f]{32}\.[0-9a-f]{32}\b/g, REDACTED],
];

/** Shorter values are not registered: replacing them would shred ordinary words, and they are not secrets worth the name. */
const MIN_SECRET_LENGTH = 6;

export class SecretScrubber {
  readonly #values = new Set<string>();
  #ordered: string[] = [];

  /** Remember a secret value: from now on it is replaced wherever it appears in a log line. */
  register(value: string | null | undefined): void {
    if (value === null || value === undefined) return;
    const secret = value.trim();
    if (secret.length < MIN_SECRET_LENGTH || this.#values.has(secret)) return;
    // The URL-encoded form too: secrets travel in query strings and form bodies.
    for (const form of [secret, encodeURIComponent(secret)]) this.#values.add(form);
    // Longest first, so a secret containing another is replaced whole.
    this.#ordered = [...this.#values].sort((a, b) => b.length - a.length);
  }

  scrubText(text: string): string {
    let result = text;
    for (const secret of this.#ordered) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  /** A copy of `value` safe to log: strings scrubbed, secret-named keys blanked, errors flattened to scrubbed text. */
  scrub(value: unknown, seen = new WeakSet<object>()): unknown {
    if (typeof value === 'string') return this.scrubText(value);
    if (typeof value !== 'object' || value === null) return value;
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (value instanceof Error) {
      const cause = (value as { cause?: unknown }).cause;
      return { name: value.name, message: this.scrubText(value.message), stack: this.scrubText(value.stack ?? ''), ...(cause === undefined ? {} : { cause: this.scrub(cause, seen) }) };
    }
    if (Array.isArray(value)) return value.map((item) => this.scrub(item, seen));
    if (value instanceof Date) return value;
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = isSecretName(key) && item !== null && item !== undefined ? REDACTED : this.scrub(item, seen);
    return copy;
  }
}
