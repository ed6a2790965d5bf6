// How every bench runner starts and ends: a watchdog that stops everything after `watchdogMs`
// whatever hangs, SIGINT/SIGTERM stopping every process started, and `main()` setting the exit
// code (its failure reported and cleaned up). One place, so each runner holds only its run.

/**
 * Runs `main` under the guard. `cleanUp` stops every child and removes temp files. Once a
 * signal or the watchdog has stopped the run, the error `main` then fails with is that stop,
 * already reported and cleaned up: it is not reported again.
 */
export function runGuarded({ main, cleanUp, log, watchdogMs }) {
  let stopping = false;
  const stop = async (message, exitCode) => {
    if (stopping) return;
    stopping = true;
    log(message);
    await cleanUp();
    process.exit(exitCode);
  };
  const watchdog = setTimeout(
    () =>
      stop(
        `watchdog: still running after ${Math.round(watchdogMs / 60_000)} minutes; stopping everything`,
        3,
      ),
    watchdogMs,
  );
  watchdog.unref();
  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ])
    process.once(signal, () => stop(`${signal}: stopping every process started`, exitCode));
  main()
    .then((code) => {
      clearTimeout(watchdog);
      process.exitCode = code;
    })
    .catch(async (error) => {
      if (stopping) return;
      log(`FAILED: ${error.stack ?? error}`);
      await cleanUp();
      process.exitCode = 1;
    });
}
