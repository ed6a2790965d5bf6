// How every bench runner starts and ends: a watchdog that stops everything after `watchdogMs`
// whatever hangs, SIGINT/SIGTERM stopping every process started, and `main()` setting the exit
// code (its failure reported and cleaned up). One place, so each runner holds only its run.

/**
 * Runs `main` under the guard. `cleanUp` stops every child and removes temp files; `stopped()`
 * says the run was stopped on purpose (a signal or the watchdog), whose handler already reported.
 */
export function runGuarded({ main, cleanUp, log, watchdogMs, stopped = () => false }) {
  const watchdog = setTimeout(async () => {
    log(
      `watchdog: still running after ${Math.round(watchdogMs / 60_000)} minutes; stopping everything`,
    );
    await cleanUp();
    process.exit(3);
  }, watchdogMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.once(signal, async () => {
      log(`${signal}: stopping every process started`);
      await cleanUp();
      process.exit(130);
    });
  main()
    .then((code) => {
      clearTimeout(watchdog);
      process.exitCode = code;
    })
    .catch(async (error) => {
      if (stopped()) return;
      log(`FAILED: ${error.stack ?? error}`);
      await cleanUp();
      process.exitCode = 1;
    });
}
