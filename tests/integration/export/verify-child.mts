// Runs verify on one packet in a process of its own and reports its verdict and peak memory.
import { readFileSync } from 'node:fs';
import { verifyPacket } from '../../../main/export/verify.js';

/**
 * Peak RSS of this process. Linux: VmHWM, which starts afresh at exec — getrusage's maxrss does not
 * (a child forked from a big parent inherits the parent's high-water mark).
 */
function peakRssBytes(): number {
  try {
    const kib = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kib !== undefined) return Number(kib) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}

const result = await verifyPacket(process.argv[2] as string);
process.stdout.write(`${JSON.stringify({ verdict: result.verdict, maxRssBytes: peakRssBytes() })}\n`);
