/** A live Zoho access token and the API domain it belongs to (from the token response). */
export interface AccessToken {
  accessToken: string;
  /** e.g. https://www.zohoapis.eu: every CRM call is made against this, never a fixed host. */
  apiDomain: string;
}

/**
 * What the Zoho client needs from sign-in. The real one (main/auth) refreshes within 120 s of expiry,
 * single-flight; the CLI's `--token` flags use a fixed token that cannot be refreshed.
 */
export interface TokenProvider {
  getToken(signal?: AbortSignal): Promise<AccessToken>;
  /**
   * Zoho answered 401 INVALID_TOKEN to a call made with `rejectedAccessToken`: return a fresh token
   * (refreshing once, shared by concurrent callers), or throw when none can be had.
   */
  refreshAfterRejection(rejectedAccessToken: string, signal?: AbortSignal): Promise<AccessToken>;
}
