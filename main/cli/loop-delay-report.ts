import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * For benchmarks: with TIMELINE_AUDITOR_LOOP_DELAY_REPORT=FILE the CLI measures how long its main
 * thread's event loop was held up (perf_hooks.monitorEventLoopDelay) and writes
 * {"p50Ms","p99Ms","maxMs","samples"} to FILE when the process exits. The main thread is where
 * requests are sent and answers parsed; work that blocks it (SQLite writes, PDF layout) belongs in
 * the data worker.
 */
export function reportLoopDelayOnExit(file: string): void {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  process.once('exit', () => {
    histogram.disable();
    const ms = (nanoseconds: number): number => Math.round(nanoseconds / 1e4) / 100;
    writeFileSync(file, JSON.stringify({ p50Ms: ms(histogram.percentile(50)), p99Ms: ms(histogram.percentile(99)), maxMs: ms(histogram.max), samples: histogram.count }));
  });
}
