import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileString } from '../lib/testing/hostile.ts';
import { CANDLE_CSV_HEADER, CandleCsvError, parseCandleCsv } from './candleCsv.ts';

const T0 = 1_679_004_900_000;
const validRows = (n: number) =>
  Array.from({ length: n }, (_, i) => `${T0 + i * 60_000},27000.5,27010,26990.25,27005,${(1.5 + i).toFixed(3)}`);

/** A valid CSV with a few hostile edits: a field replaced, a row dropped/duplicated/split, junk lines, CR, BOM. */
const hostileCsv = fc
  .tuple(
    fc.integer({ min: 0, max: 12 }),
    fc.array(
      fc.oneof(
        fc.record({ kind: fc.constant('field' as const), row: fc.nat(), col: fc.nat({ max: 7 }), value: hostileString }),
        fc.record({
          kind: fc.constantFrom('drop' as const, 'dup' as const, 'swap' as const, 'empty' as const, 'cr' as const),
          row: fc.nat(),
        }),
        fc.record({ kind: fc.constant('junk' as const), row: fc.nat(), value: hostileString }),
        fc.record({ kind: fc.constantFrom('bom' as const, 'header' as const), value: hostileString }),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([n, edits]) => {
    const lines = [CANDLE_CSV_HEADER, ...validRows(n)];
    for (const e of edits) {
      const i = 'row' in e ? 1 + (e.row % Math.max(1, lines.length - 1)) : 0;
      if (e.kind === 'field' && lines[i]) {
        const f = lines[i]!.split(',');
        f[e.col % (f.length + 1)] = e.value;
        lines[i] = f.join(',');
      } else if (e.kind === 'drop') lines.splice(i, 1);
      else if (e.kind === 'dup') lines.splice(i, 0, lines[i] ?? '');
      else if (e.kind === 'swap' && lines[i + 1]) [lines[i], lines[i + 1]] = [lines[i + 1]!, lines[i]!];
      else if (e.kind === 'empty') lines.splice(i, 0, '');
      else if (e.kind === 'cr') lines[i] = `${lines[i] ?? ''}\r`;
      else if (e.kind === 'junk') lines.splice(i, 0, e.value);
      else if (e.kind === 'bom') lines[0] = `\uFEFF${lines[0]}`;
      else if (e.kind === 'header') lines[0] = e.value;
    }
    return lines.join('\n');
  });

describe('candle CSV fuzz: a malformed file is a CandleCsvError naming its first bad line', () => {
  it('1,000 hostile files', () => {
    let errors = 0;
    fc.assert(
      fc.property(hostileCsv, (text) => {
        let candles;
        try {
          candles = parseCandleCsv(text);
        } catch (err) {
          expect(err).toBeInstanceOf(CandleCsvError);
          const { line, message } = err as CandleCsvError;
          const lineCount = text.split('\n').length;
          expect(Number.isInteger(line) && line >= 1 && line <= lineCount).toBe(true);
          expect(message).toMatch(new RegExp(`^candle CSV line ${line}: `));
          expect(message.length).toBeLessThan(400);
          // it is the FIRST bad line: everything before it parses
          if (line > 1)
            expect(() =>
              parseCandleCsv(
                text
                  .split('\n')
                  .slice(0, line - 1)
                  .join('\n'),
              ),
            ).not.toThrow();
          errors++;
          return;
        }
        for (const [i, c] of candles.entries()) {
          expect([c.t, c.o, c.h, c.l, c.c, c.v].every(Number.isFinite)).toBe(true);
          expect(c.h >= Math.max(c.o, c.c) && c.l <= Math.min(c.o, c.c) && c.v >= 0).toBe(true);
          if (i > 0) expect(c.t).toBeGreaterThan(candles[i - 1]!.t);
        }
      }),
      { numRuns: 1_000, seed: 13 },
    );
    expect(errors).toBeGreaterThan(500);
  });
});
