// `portier doctor` and `portier check` on a refused loopback target, as whole processes: the
// time until the complete report is out and the process has ended.
import { spawnSync } from 'node:child_process';
import { canBind, pickFreePort } from '../bind-probe.mjs';
import { coldCliMarks, marks as coldMarks } from '../diagnostics/cli-phases.mjs';
import { measureCommands, SPAWN_TIMEOUT_MS } from '../measure.mjs';
import { formatMs } from '../report.mjs';

/** The finding the doctor must give for a port nothing listens on. */
const EXPECTED_CAUSE = 'NOTHING_LISTENING';

/** Cold runs with in-process marks, to say where a doctor's whole-process time goes. */
const MARK_RUNS = 10;
const COLD_DOCTOR = new URL('../diagnostics/cold-doctor.mjs', import.meta.url).pathname;

/** Runs the doctor once with --json and throws unless it names the expected cause. */
function checkDoctorAnswer(root, target) {
  const run = spawnSync(process.execPath, ['bin/portier.cjs', 'doctor', target, '--json'], {
    cwd: root,
    encoding: 'utf8',
    timeout: SPAWN_TIMEOUT_MS,
  });
  let cause;
  try {
    cause = JSON.parse(run.stdout).findings?.[0]?.code;
  } catch {}
  if (run.status !== 1 || cause !== EXPECTED_CAUSE)
    throw new Error(
      `portier doctor ${target} should exit 1 naming ${EXPECTED_CAUSE}; it exited ${run.status} naming ${cause}: ${run.stderr}`,
    );
}

/**
 * Times `portier doctor 127.0.0.1:<port>` and `portier check …` (both exit 1 by design) on a
 * port nothing listens on, in rotating rounds; with `floor` (a case name), `node -e 0` too.
 * `suffix` tells the case names of one run apart from another's (with the load, without).
 */
export async function runDoctorCases({ root, runs, warmup, suffix = '', floor }) {
  const port = await pickFreePort();
  const target = `127.0.0.1:${port}`;
  checkDoctorAnswer(root, target);
  const node = process.execPath;
  const expected = {
    [`portier doctor <refused port>${suffix}`]: {
      argv: [node, 'bin/portier.cjs', 'doctor', target],
      code: 1,
    },
    [`portier check <refused port>${suffix}`]: {
      argv: [node, 'bin/portier.cjs', 'check', target],
      code: 1,
    },
    ...(floor ? { [floor]: { argv: [node, '-e', '0'], code: 0 } } : {}),
  };
  const commands = Object.fromEntries(Object.entries(expected).map(([n, c]) => [n, c.argv]));
  const results = measureCommands(commands, { cwd: root, runs, warmup });
  const marks = coldCliMarks(root, ['doctor', target], MARK_RUNS);
  const steps = coldMarks(COLD_DOCTOR, [root, String(port)], MARK_RUNS);
  const stillFree = await canBind(port);
  for (const [name, { argv, code }] of Object.entries(expected)) {
    results[name].kind = 'process';
    results[name].command = argv.join(' ');
    const codes = results[name].exitCodes;
    if (codes.some((c) => c !== code))
      results[name].failed = `exit codes ${codes.join(', ')} (expected ${code})`;
    else if (!stillFree) results[name].failed = `port ${port} was taken during the runs`;
  }
  const doctor = results[`portier doctor <refused port>${suffix}`];
  const medians = (summaries) =>
    Object.fromEntries(
      Object.entries(summaries)
        .filter(([k]) => k.endsWith('Ms'))
        .map(([k, v]) => [k, v.medianMs]),
    );
  doctor.phases = medians(marks);
  doctor.libraryPhases = medians(steps);
  const { bootMs, requireMs, mainMs, exitMs } = doctor.phases;
  const { probeMs, whoHoldsMs, diagnoseMs } = doctor.libraryPhases;
  doctor.tool += `; medians of ${MARK_RUNS} cold runs: Node start ${formatMs(bootMs)}, load CLI ${formatMs(requireMs)}, doctor ${formatMs(mainMs)}, main() → exit ${formatMs(exitMs)} ms; library, cold: 1st probe ${formatMs(probeMs)}, 1st whoHolds ${formatMs(whoHoldsMs)}, then diagnose ${formatMs(diagnoseMs)} ms`;
  return results;
}
