/**
 * `npm test`'s vitest part: two vitest processes side by side.
 *
 * The integration files share one emulator pair and run one at a time (vitest puts every project
 * without file parallelism into one sequential group, after the parallel ones, in a single process).
 * The `stack` files start their own `npm start` on their own ports and the unit files need nothing,
 * so they run in a second process beside the integration chain instead of before it: on two cores
 * that takes minutes off the suite (README "Tests").
 *
 * The integration run prints as it goes; the other run's output is held and printed whole when it
 * ends, so the two never interleave. Under CI each writes its JSON report and this merges them into
 * .ci/results/vitest.json, the file .ci/run reads. The exit code is the worse of the two.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, '.ci/results');
const ci = Boolean(process.env.CI);
const extra = process.argv.slice(2);

interface Run {
  name: string;
  projects: string[];
  stream: boolean;
}
const RUNS: Run[] = [
  { name: 'integration', projects: ['integration'], stream: true },
  { name: 'unit+stack', projects: ['unit', 'stack', 'integration-b'], stream: false },
];
const reportOf = (r: Run) => join(RESULTS, `vitest-${r.name.replace('+', '-')}.json`);

function run(r: Run): Promise<number> {
  const args = ['run', ...r.projects.flatMap((p) => ['--project', p]), ...(ci ? [`--outputFile.json=${reportOf(r)}`] : []), ...extra];
  const child = spawn(join(ROOT, 'node_modules/.bin/vitest'), args, {
    cwd: ROOT,
    stdio: ['ignore', r.stream ? 'inherit' : 'pipe', r.stream ? 'inherit' : 'pipe'],
  });
  const held: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => held.push(c));
  child.stderr?.on('data', (c: Buffer) => held.push(c));
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      if (!r.stream) process.stdout.write(`\n──── vitest ${r.projects.join(' + ')} ────\n${Buffer.concat(held).toString()}\n`);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

// Ctrl-C reaches both vitest processes through the terminal's process group: wait for them to stop.
process.on('SIGINT', () => undefined);
if (ci) mkdirSync(RESULTS, { recursive: true });
const codes = await Promise.all(RUNS.map(run));

if (ci) {
  type Report = {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numTotalTests: number;
    success: boolean;
    startTime: number;
    testResults: unknown[];
  };
  const reports = RUNS.map((r) => {
    try {
      return JSON.parse(readFileSync(reportOf(r), 'utf8')) as Report;
    } catch {
      return null;
    }
  });
  const merged = reports.reduce<Report>(
    (m, x) =>
      x === null
        ? { ...m, success: false }
        : {
            numPassedTests: m.numPassedTests + x.numPassedTests,
            numFailedTests: m.numFailedTests + x.numFailedTests,
            numPendingTests: m.numPendingTests + x.numPendingTests,
            numTodoTests: m.numTodoTests + x.numTodoTests,
            numTotalTests: m.numTotalTests + x.numTotalTests,
            success: m.success && x.success,
            startTime: Math.min(m.startTime, x.startTime),
            testResults: [...m.testResults, ...x.testResults],
          },
    {
      numPassedTests: 0,
      numFailedTests: 0,
      numPendingTests: 0,
      numTodoTests: 0,
      numTotalTests: 0,
      success: true,
      startTime: Infinity,
      testResults: [],
    },
  );
  writeFileSync(join(RESULTS, 'vitest.json'), JSON.stringify(merged));
  if (reports.includes(null)) console.error('test: a vitest run wrote no report (crashed before the end?)');
}
process.exit(Math.max(...codes));
