#!/usr/bin/env node
/**
 * electron-builder with the update feed taken from the environment at BUILD time (issue 15).
 *
 * electron-builder.yml cannot hold the feed: `${env.X}` in it fails every build where X is unset,
 * and a build without a feed must work (it is simply "not configured" for updates). So:
 *
 *   TIMELINE_AUDITOR_UPDATE_URL=https://updates.example.com/timeline-auditor/  npm run dist
 *
 * adds `publish: { provider: generic, url }`; electron-builder then writes latest.yml /
 * latest-mac.yml next to the installers (upload them with the installers to that URL) and
 * resources/app-update.yml into the app, which the app's updater reads. Without the variable there is
 * no app-update.yml and the app says updates are not configured.
 *
 * Verification (docs/security.md, "Updates"): on Windows electron-builder writes the signing
 * certificate's subject into app-update.yml as `publisherName` (from WIN_CSC_LINK); set
 * TIMELINE_AUDITOR_WIN_PUBLISHER_NAME to pin it explicitly (e.g. when signing through a service).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const feed = process.env['TIMELINE_AUDITOR_UPDATE_URL']?.trim() ?? '';
if (feed !== '') {
  let url;
  try {
    url = new URL(feed);
  } catch {
    console.error(`TIMELINE_AUDITOR_UPDATE_URL is not a URL: "${feed}"`);
    process.exit(2);
  }
  if (url.protocol !== 'https:') {
    console.error(`TIMELINE_AUDITOR_UPDATE_URL must be https (updates are code the app runs): "${feed}"`);
    process.exit(2);
  }
  args.push('-c.publish.provider=generic', `-c.publish.url=${url.href}`);
  const signed = (process.env['WIN_CSC_LINK'] ?? process.env['CSC_LINK'] ?? '') !== '';
  if (!signed) console.warn('Update feed configured for an UNSIGNED build: the updater can verify only the sha512 from latest.yml, not who published the update.');
}
const publisherName = process.env['TIMELINE_AUDITOR_WIN_PUBLISHER_NAME']?.trim() ?? '';
if (publisherName !== '') args.push(`-c.win.signtoolOptions.publisherName=${publisherName}`);

const cli = createRequire(import.meta.url).resolve('electron-builder/cli.js');
const result = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
