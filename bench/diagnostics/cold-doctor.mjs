// Child of the doctor case: where a cold doctor's time goes, in a fresh process. Imports the
// library at argv[2] and times, in this order, on 127.0.0.1:<argv[3]> (nothing listening): the
// first probe(), the first whoHolds(), then a whole diagnose() (its probe and socket-table code
// now warm; machine facts, the network-namespace scan and the ranking still cold).
// Writes {importMs, probeMs, whoHoldsMs, diagnoseMs} to stderr as its only line.
const start = performance.now();
const lib = await import(`${process.argv[2]}/dist/index.js`);
const marks = { importMs: performance.now() - start };
const port = Number(process.argv[3]);
const target = lib.parseTarget(`127.0.0.1:${port}`);

async function time(name, fn) {
  const began = performance.now();
  await fn();
  marks[name] = performance.now() - began;
}

await time('probeMs', () => lib.probe(target, { allAddresses: true }));
await time('whoHoldsMs', () => lib.whoHolds(port));
await time('diagnoseMs', () => lib.diagnose(target, { env: {} }));
process.stderr.write(`${JSON.stringify(marks)}\n`);
