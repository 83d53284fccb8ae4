// Child for mallocRelaunch.test.ts: relaunches itself with the malloc settings, then (in the
// relaunched process) prints what it runs with and either exits with the code in argv[2] or, for
// "wait", stays alive until a signal.
import { relaunchWithMallocTuning } from '../../../../electron/host/mallocTuning';

const code = await relaunchWithMallocTuning();
if (code !== null) process.exitCode = code;
else {
  const mode = process.argv[2] ?? '0';
  // The handler is in place before the report, which tells the test it may send the signal.
  if (mode === 'wait') {
    process.on('SIGTERM', () => {
      process.stdout.write('got SIGTERM\n');
      process.exit(0);
    });
    setInterval(() => undefined, 1000);
  } else process.exitCode = Number(mode);
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ppid: process.ppid, tunables: process.env.GLIBC_TUNABLES ?? null, marker: process.env.SCANLABEL_RELAUNCHED ?? null })}\n`);
}
