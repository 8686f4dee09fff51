/** Where a CLI writes: kept apart from cli.ts so a CLI that prints loads no client library. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  /** progress output; a TTY redraws one line */
  progress?(line: string): void;
}

export const stdio: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  progress: (l) => (process.stderr.isTTY ? process.stderr.write(`\r${l}\x1b[K`) : undefined),
};
