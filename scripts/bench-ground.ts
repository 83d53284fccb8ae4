/**
 * Ground filter quality on real scans: IoU of the filter's ground mask against the file's own ground
 * class (ASPRS class 2) for every LAS/LAZ in ../shared/data that has class 2 points, and against the
 * derived ground flags of the ISPRS filter-test samples. Prints a table and writes
 * bench-output/ground.json. Run: npx tsx scripts/bench-ground.ts [--only substring] [--all-returns]
 * Scans with return numbers are filtered on their last returns (geometry/groundCandidates.ts).
 */
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { groundFilter } from '../electron/services/geometry/ground';
import { groundCandidates } from '../electron/services/geometry/groundCandidates';
import { attribute } from '../electron/services/scans/model';
import { readScan } from '../electron/services/scans/read';
import { gtValuesFromU8File } from '../electron/services/eval/truth';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dataDir = path.resolve(repoRoot, '../shared/data');
/** --all-returns: every point may be ground (the filter before it read return numbers), for comparison. */
const allReturns = process.argv.includes('--all-returns');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

function iou(mask: Uint8Array, truth: (p: number) => boolean): { iou: number; precision: number; recall: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let p = 0; p < mask.length; p++) {
    const t = truth(p);
    if (mask[p] && t) tp++;
    else if (mask[p]) fp++;
    else if (t) fn++;
  }
  return { iou: tp / Math.max(1, tp + fp + fn), precision: tp / Math.max(1, tp + fp), recall: tp / Math.max(1, tp + fn) };
}

const rows: Record<string, unknown>[] = [];
const files = walk(dataDir)
  .filter((f) => /\.(las|laz)$/i.test(f) || /isprs-filtertest\/samp\d+-utm\.pcd$/.test(f))
  .filter((f) => !f.includes('flanders-vle'))
  .filter((f) => !only || f.includes(only))
  .sort();
for (const file of files) {
  const rel = path.relative(dataDir, file);
  const scan = await readScan(file);
  let truth: (p: number) => boolean;
  if (rel.startsWith('isprs-filtertest')) {
    const flags = await gtValuesFromU8File(path.join(dataDir, 'isprs-filtertest/derived', path.basename(file, '.pcd') + '.ground.u8'), scan.pointCount);
    truth = (p) => flags[p] === 1;
  } else {
    const cls = attribute(scan, 'classification')?.values;
    if (!cls) continue;
    let g = 0;
    for (let p = 0; p < scan.pointCount; p++) if (cls[p] === 2) g++;
    if (g === 0) continue;
    truth = (p) => cls[p] === 2;
  }
  const t0 = process.cpuUsage();
  const candidates = allReturns ? null : groundCandidates(scan);
  const r = groundFilter(scan.positions, { candidates });
  const cpu = process.cpuUsage(t0);
  const q = iou(r.ground, truth);
  const row = { file: rel, points: scan.pointCount, ...q, lastReturnsOnly: candidates !== null, cell: r.cell, cpuMs: Math.round((cpu.user + cpu.system) / 1000) };
  rows.push(row);
  console.log(`${rel.padEnd(52)} ${String(scan.pointCount).padStart(8)}  IoU ${q.iou.toFixed(3)}  P ${q.precision.toFixed(3)}  R ${q.recall.toFixed(3)}  cell ${r.cell.toFixed(2)}  ${row.cpuMs} ms`);
}
const ious = rows.map((r) => r.iou as number);
console.log(`mean IoU ${(ious.reduce((a, b) => a + b, 0) / ious.length).toFixed(3)} over ${ious.length} files, min ${Math.min(...ious).toFixed(3)}`);
mkdirSync(path.join(repoRoot, 'bench-output'), { recursive: true });
writeFileSync(path.join(repoRoot, 'bench-output/ground.json'), JSON.stringify(rows, null, 2));
