/** zod pieces shared by the config schema and the stored-document codecs (no SDK: the dashboard bundles them). */
import { z } from 'zod';
import { AMOUNT_STRING_RE } from '../lib/fixedPoint.ts';

export const AmountString = z.string().regex(AMOUNT_STRING_RE, 'expected a fixed 8-decimal amount like "12.50000000"');

export function formatIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => `${prefix}${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('\n');
}
