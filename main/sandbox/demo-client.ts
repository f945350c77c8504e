import type { SandboxClient } from './types.js';

/**
 * The demo workspace's OAuth client: any loopback port, path /callback (RFC 8252 style for a desktop
 * app). In a module of its own so the app can name it without loading the sandbox server.
 */
export const DEMO_CLIENT: SandboxClient = {
  clientId: '1000.SANDBOXDEMOCLIENT0000000000000',
  clientSecret: '5a1db0c3e2f74d6b8a9e0f1c2d3b4a5968778695a4',
  redirectUris: ['http://127.0.0.1:*/callback'],
};
