/**
 * A local backup is a directory with two files:
 *   documents.jsonl  one document per line, {"path": "...", "fields": {<typed values, see codec.ts>}}, sorted by path
 *   manifest.json    format, version, source project, time, document counts, sha256 of documents.jsonl
 * It is generic: every collection, subcollections under any parent (even one that has no document
 * of its own, like candles/{symbol}_{tf}), every field with its exact type. Reading it back checks
 * the checksum and every line (zod), so a truncated or edited backup is refused before anything is
 * written.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CollectionReference, DocumentReference, Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { mapSettledLimit } from '../../functions/src/lib/mapLimit.ts';
import { encodeFields, ValueSchema } from './codec.ts';

const DumpedDocSchema = z
  .object({
    path: z.string().regex(/^[^/]+\/[^/]+(\/[^/]+\/[^/]+)*$/, 'a document path (collection/id[/collection/id…])'),
    fields: z.record(z.string(), ValueSchema),
  })
  .strict();
export type DumpedDoc = z.infer<typeof DumpedDocSchema>;

const ManifestSchema = z.object({
  format: z.literal('eagle-eye-firestore-dump'),
  version: z.literal(1),
  projectId: z.string(),
  createdAt: z.iso.datetime(),
  documents: z.number().int().nonnegative(),
  /** documents per top-level collection, subcollections included */
  collections: z.record(z.string(), z.number().int().nonnegative()),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type Manifest = z.infer<typeof ManifestSchema>;

export const DOCUMENTS_FILE = 'documents.jsonl';
export const MANIFEST_FILE = 'manifest.json';
const BATCH = 300;
const CONCURRENCY = 8;

export class BackupFormatError extends Error {
  override readonly name = 'BackupFormatError';
}

/**
 * Every document of the database. `db` must have been configured with `useBigInt: true` before
 * its first use (see codec.ts), or integers above 2^53 and integer/double types would be lost.
 */
export async function readAllDocuments(db: Firestore): Promise<DumpedDoc[]> {
  const out: DumpedDoc[] = [];
  const visit = async (collections: CollectionReference[]): Promise<void> => {
    for (const col of collections) {
      // listDocuments also returns parents that exist only through their subcollections.
      const refs = await col.listDocuments();
      for (let i = 0; i < refs.length; i += BATCH) {
        for (const snap of await db.getAll(...refs.slice(i, i + BATCH))) {
          if (snap.exists) out.push({ path: snap.ref.path, fields: encodeFields(snap.data()!) });
        }
      }
      const nested = await mapSettledLimit(refs, CONCURRENCY, (ref: DocumentReference) => ref.listCollections());
      for (const r of nested) {
        if (r.status === 'rejected') throw r.reason;
        await visit(r.value);
      }
    }
  };
  await visit(await db.listCollections());
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function countByCollection(docs: readonly DumpedDoc[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of docs) {
    const top = d.path.split('/')[0]!;
    counts[top] = (counts[top] ?? 0) + 1;
  }
  return counts;
}

export async function writeDump(dir: string, projectId: string, docs: readonly DumpedDoc[], now = new Date()): Promise<Manifest> {
  const body = docs.map((d) => JSON.stringify(d)).join('\n') + (docs.length ? '\n' : '');
  const manifest: Manifest = {
    format: 'eagle-eye-firestore-dump',
    version: 1,
    projectId,
    createdAt: now.toISOString(),
    documents: docs.length,
    collections: countByCollection(docs),
    sha256: createHash('sha256').update(body).digest('hex'),
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, DOCUMENTS_FILE), body);
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

export async function readDump(dir: string): Promise<{ manifest: Manifest; docs: DumpedDoc[] }> {
  const read = async (file: string) => {
    try {
      return await readFile(join(dir, file), 'utf8');
    } catch (err) {
      throw new BackupFormatError(
        `${join(dir, file)}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing (is this a backup directory?)' : (err as Error).message}`,
      );
    }
  };
  let manifest: Manifest;
  try {
    manifest = ManifestSchema.parse(JSON.parse(await read(MANIFEST_FILE)));
  } catch (err) {
    if (err instanceof BackupFormatError) throw err;
    throw new BackupFormatError(
      `${MANIFEST_FILE}: not an Eagle Eye backup manifest (${err instanceof z.ZodError ? z.prettifyError(err) : (err as Error).message})`,
    );
  }
  const body = await read(DOCUMENTS_FILE);
  if (createHash('sha256').update(body).digest('hex') !== manifest.sha256)
    throw new BackupFormatError(`${DOCUMENTS_FILE}: checksum does not match the manifest (truncated or edited)`);
  const docs = body
    .split('\n')
    .filter((l) => l !== '')
    .map((line, i) => {
      const parsed = DumpedDocSchema.safeParse(safeJson(line));
      if (!parsed.success) throw new BackupFormatError(`${DOCUMENTS_FILE} line ${i + 1}: ${z.prettifyError(parsed.error)}`);
      return parsed.data;
    });
  if (docs.length !== manifest.documents)
    throw new BackupFormatError(`${DOCUMENTS_FILE}: ${docs.length} documents, the manifest says ${manifest.documents}`);
  return { manifest, docs };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line) as unknown;
  } catch {
    return undefined;
  }
}
