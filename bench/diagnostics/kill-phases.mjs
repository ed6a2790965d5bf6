// Where killPort() spends its time freeing a cooperative listener: the marks come from its own
// progress events (signal sent; the holder released the port, or exited). The bench's own view of the fixture's exit is
// not used: killPort's synchronous scans block the event loop that would report it.
import { startNodeChild } from '../children.mjs';
import { measure, summarizeMarks } from '../measure.mjs';

const FIXTURE = new URL('../fixtures/cooperative-listener.mjs', import.meta.url).pathname;

async function oneKill(lib) {
  const { child, ready } = await startNodeChild(FIXTURE);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const marks = {};
  const start = performance.now();
  await lib.killPort(ready.port, {
    onEvent: (event) => {
      if (event.type === 'signal') marks.signal ??= performance.now();
      if (event.type === 'exited' || event.type === 'released') marks.let ??= performance.now();
    },
  });
  const end = performance.now();
  await exited;
  return {
    'before: whoHolds + kill plan, until the signal is sent': marks.signal - start,
    'signal → the holder let go (socket closed, seen with the table, or exited)':
      marks.let - marks.signal,
    "after: the holder's exit (until every thread is in the kernel's exit path) and the leftovers read, until killPort resolves":
      end - marks.let,
    'killPort total': end - start,
  };
}

/** `rounds` kills of a fresh fixture; medians per phase. Also times the parent-map read. */
export async function runKillPhases({ lib, internals, rounds, runs }) {
  const records = [];
  for (let i = 0; i < rounds; i++) records.push(await oneKill(lib));
  const phases = summarizeMarks(records);
  if (internals) {
    phases['readParentMap: /proc/<pid>/stat of every process'] = await measure(
      () => internals.readParentMap(),
      { runs, warmup: 3 },
    );
  }
  return { phases };
}
