export * from './errors.js';
export * from './filters.js';
export * from './models.js';
export * from './modules.js';
export * from './client.js';
export { StaticTokenProvider } from './static-token-provider.js';
export type { AccessToken, TokenProvider } from './token-provider.js';
export { fetchModuleLabels, type ZohoModuleLabel } from './module-labels.js';
export { describeAutomation, describePathfinder } from './automation.js';
