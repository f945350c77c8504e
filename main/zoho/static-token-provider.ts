import { ZohoApiError } from './errors.js';
import type { AccessToken, TokenProvider } from './token-provider.js';

/**
 * A fixed access token and API domain (CLI --token / ZOHO_ACCESS_TOKEN). It cannot be renewed: when
 * Zoho rejects it, the call fails with a message saying so instead of retrying forever.
 */
export class StaticTokenProvider implements TokenProvider {
  private readonly token: AccessToken;

  constructor(token: AccessToken) {
    if (token.accessToken.trim() === '') {
      throw new ZohoApiError('ZOHO_CANNOT_REFRESH', 'No Zoho access token was given.', { hint: 'Pass --token (or set ZOHO_ACCESS_TOKEN), or sign in.' });
    }
    this.token = { accessToken: token.accessToken.trim(), apiDomain: token.apiDomain };
  }

  getToken(): Promise<AccessToken> {
    return Promise.resolve(this.token);
  }

  refreshAfterRejection(_rejectedAccessToken: string, _signal?: AbortSignal): Promise<AccessToken> {
    return Promise.reject(
      new ZohoApiError('ZOHO_CANNOT_REFRESH', 'Zoho rejected the access token (it has expired, was revoked, or belongs to another data centre), and a fixed token cannot be renewed.', {
        hint: 'Create a new access token (they last one hour) and pass it again, or sign in with Timeline Auditor so tokens are renewed automatically.',
        httpStatus: 401,
        zohoCode: 'INVALID_TOKEN',
      }),
    );
  }
}
