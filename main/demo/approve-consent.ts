/**
 * Plays the person at the demo workspace's consent page: opens the authorization URL, presses Accept,
 * and follows the redirect to the app's loopback callback — exactly the requests a browser makes.
 * Only for the bundled demo (its consent page is ours); a real Zoho sign-in always happens in a browser.
 */
export async function approveDemoConsent(authorizationUrl: string, fetchImpl: typeof fetch = fetch): Promise<void> {
  const page = await fetchImpl(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  const consentId = /name="consent_id" value="([^"]+)"/.exec(html)?.[1];
  if (consentId === undefined) throw new Error(`The demo consent page did not offer a consent form (HTTP ${page.status}).`);
  const decision = await fetchImpl(new URL('/oauth/v2/auth', authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ consent_id: consentId, decision: 'approve' }).toString(),
  });
  await decision.arrayBuffer();
  const callback = decision.headers.get('location');
  if (callback === null) throw new Error(`The demo consent page did not redirect back (HTTP ${decision.status}).`);
  await (await fetchImpl(callback, { redirect: 'manual' })).arrayBuffer();
}
