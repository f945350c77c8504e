/**
 * The CLI's entry (built to out/main/cli.js, run by bin/timeline-auditor.js). Kept apart from
 * index.ts so that importing the CLI (tests, the demo) never runs it.
 */
import { runCli } from './index.js';

const loopDelayReport = process.env['TIMELINE_AUDITOR_LOOP_DELAY_REPORT'];
if (loopDelayReport !== undefined && loopDelayReport !== '') (await import('./loop-delay-report.js')).reportLoopDelayOnExit(loopDelayReport);
const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new DOMException('Interrupted', 'AbortError')));
const here = import.meta.url; // a variable base: the bundler must not treat the worker as an asset
process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal, dataWorkerEntry: new URL('./data-worker.js', here) });
