// Loaded with `node --import` by measure.ts: prints the CPU time and peak memory of the run as
// the last line of standard error, so a test can hold the run to its time and memory bounds.
import { writeSync } from 'node:fs';

process.on('exit', () => {
  const cpu = process.cpuUsage();
  const usage = process.resourceUsage();
  writeSync(2, `\nLPC-USAGE ${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb: usage.maxRSS / 1024 })}\n`);
});
