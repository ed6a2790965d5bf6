// Child of the CLI diagnostic: the library's first (cold, unoptimised) and later (warm) calls
// of listListeners in a fresh process. Writes {bootMs, importMs, firstMs, secondMs, tenthMs}.
const bootMs = performance.now();
const lib = await import(`${process.argv[2]}/dist/index.js`);
const importMs = performance.now() - bootMs;
const times = [];
for (let i = 0; i < 10; i++) {
  const start = performance.now();
  await lib.listListeners();
  times.push(performance.now() - start);
}
process.stderr.write(
  `${JSON.stringify({ bootMs, importMs, firstMs: times[0], secondMs: times[1], tenthMs: times[9] })}\n`,
);
