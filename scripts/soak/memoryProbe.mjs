// Preloaded (`node --import`) into the soak's function servers only: on SIGUSR2 the process
// collects garbage (when started with --expose-gc) and prints one line with its heap and RSS, which
// the soak reads from the child's stdout. Production never loads this file.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  process.stdout.write(`${JSON.stringify({ soakMemory: { heapUsed: m.heapUsed, rss: m.rss } })}\n`);
});
