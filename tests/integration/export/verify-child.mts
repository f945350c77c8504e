// Runs verify on one packet in a process of its own and reports its verdict and peak memory (RSS).
import { verifyPacket } from '../../../main/export/verify.js';

const result = await verifyPacket(process.argv[2] as string);
process.stdout.write(`${JSON.stringify({ verdict: result.verdict, maxRssBytes: process.resourceUsage().maxRSS * 1024 })}\n`);
