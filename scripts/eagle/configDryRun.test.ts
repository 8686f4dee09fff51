import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT, runEagle } from './program.ts';

const dir = mkdtempSync(join(tmpdir(), 'eagle-dry-run-'));
const file = (name: string, doc: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
};

/** `eagle config --set FILE --dry-run` with no stack at all: a target is never made. */
async function dryRun(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEagle(['config', ...argv], {
    io: { out: (l) => out.push(l), err: (l) => err.push(l) },
    target: () => {
      throw new Error('a dry run needs no stack');
    },
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('eagle config --set FILE --dry-run: the admin function’s checks, offline', () => {
  it('accepts a valid document and stores nothing', async () => {
    const r = await dryRun('--set', file('ok.json', { timeframe: '1h', risk: { riskPerTradePct: 2 } }), '--dry-run', '--json');
    expect(r).toMatchObject({ code: EXIT.ok, err: '' });
    expect(JSON.parse(r.out)).toMatchObject({ saved: false, dryRun: true, config: { timeframe: '1h', risk: { riskPerTradePct: 2 } } });
  });

  it.each([
    ['a typo', { risk: { riskPerTradPct: 5 } }, 'set.risk.riskPerTradPct: unknown key "riskPerTradPct", did you mean "riskPerTradePct"?'],
    ['a value out of range', { risk: { riskPerTradePct: 50 } }, 'set.risk.riskPerTradePct'],
    [
      'a market finer than the exchange allows',
      { markets: { 'XRP/USDT': { amountStep: '0.01', minNotional: '5' } } },
      "not a multiple of the exchange's amount step",
    ],
    ['a document that is not an object', [1, 2], 'set: '],
  ])('refuses %s with exit 2, naming the field', async (_what, doc, message) => {
    const r = await dryRun('--set', file('bad.json', doc), '--dry-run');
    expect(r.code).toBe(EXIT.usage);
    expect(r.err).toContain(message);
    expect(r.out).toBe('');
  });

  it('is a usage error without --set', async () => {
    expect(await dryRun('--dry-run')).toMatchObject({ code: EXIT.usage, err: '--dry-run goes with --set <file.json>' });
  });
});
