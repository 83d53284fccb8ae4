import { appendFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { ServiceFailure } from '../../../../common/result';
import { writeFileAtomically } from '../atomicWrite';
import { keptInChunk } from '../binaryFields';
import { NO_LABEL, type ExportLabels } from '../labels';
import { colorByte, coordinatesOf, findAttribute, formatCoordinate, sourceChunks } from '../points';
import type { SinkOpener } from '../sink';
import type { ExportSource } from '../source';

export const ANNOTATIONS_DIR = 'Annotations';

/** A class name as S3DIS file names use it: lower case, no spaces or underscores (the instance number follows the last '_'). */
export function s3disClassName(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'class';
}

export interface S3disWriteOptions {
  signal?: AbortSignal;
  openSink?: SinkOpener;
  progress?: (fraction: number, message: string) => void;
}

/** Group text is appended to its file once this much collects, so memory stays bounded. */
const FLUSH_CHARS = 1 << 20;

/**
 * S3DIS-style room folder: `<room>.txt` with every exported point (x y z r g b) in source order, and
 * `Annotations/<class>_<n>.txt` per object (class and instance; points without an instance form one
 * object per class), each listing its points in source order with the same formatting, which is
 * how S3DIS tools (and ScanLabel's re-import) tell which room points an object holds.
 */
export async function writeS3dis(src: ExportSource, labels: ExportLabels, dir: string, room: string, options: S3disWriteOptions): Promise<{ points: number; files: string[] }> {
  const names = new Map<number, string>();
  const used = new Map<string, number>();
  for (const c of labels.classes) {
    const n = s3disClassName(c.name);
    const other = used.get(n);
    if (other !== undefined && other !== c.exportCode)
      throw new ServiceFailure('invalid_params', `classes with export codes ${other} and ${c.exportCode} both become "${n}" in S3DIS file names; rename one`);
    used.set(n, c.exportCode);
    names.set(c.exportCode, n);
  }
  await mkdir(join(dir, ANNOTATIONS_DIR));
  const info = src.reader.info;
  const coords = coordinatesOf(info);
  const d = coords.decimals;
  const { codes, instances } = labels;
  const groups = new Map<string, { file: string; text: string[]; chars: number }>();
  const perClass = new Map<number, number>();
  const files: string[] = [];

  const flush = async (g: { file: string; text: string[]; chars: number }) => {
    if (g.text.length === 0) return;
    await appendFile(g.file, g.text.join(''));
    g.text = [];
    g.chars = 0;
  };

  const roomFile = join(dir, `${room}.txt`);
  let written = 0;
  await writeFileAtomically(
    roomFile,
    async (out) => {
      for await (const chunk of sourceChunks(src.reader, options.signal)) {
        const color = findAttribute(chunk.attributes, 'color');
        const local = keptInChunk(labels, chunk);
        const lines: string[] = [];
        for (const i of local) {
          const g = chunk.start + i;
          let line = `${formatCoordinate(coords.value(chunk.positions, i, 0), d)} ${formatCoordinate(coords.value(chunk.positions, i, 1), d)} ${formatCoordinate(coords.value(chunk.positions, i, 2), d)}`;
          if (color && color.components >= 3) {
            const c = color.components;
            line += ` ${colorByte(color, color.values[i * c]!)} ${colorByte(color, color.values[i * c + 1]!)} ${colorByte(color, color.values[i * c + 2]!)}\n`;
          } else line += ' 0 0 0\n';
          lines.push(line);
          const code = codes[g]!;
          if (code === NO_LABEL) continue;
          const key = `${code}:${instances[g]!}`;
          let group = groups.get(key);
          if (!group) {
            const n = (perClass.get(code) ?? 0) + 1;
            perClass.set(code, n);
            group = { file: join(dir, ANNOTATIONS_DIR, `${names.get(code)}_${n}.txt`), text: [], chars: 0 };
            groups.set(key, group);
            files.push(group.file);
          }
          group.text.push(line);
          group.chars += line.length;
          if (group.chars >= FLUSH_CHARS) await flush(group);
        }
        await out.writeText(lines.join(''));
        written += local.length;
        options.progress?.((chunk.start + chunk.count) / Math.max(1, labels.count), `${written} points`);
      }
      for (const g of groups.values()) await flush(g);
    },
    { openSink: options.openSink, signal: options.signal },
  );
  return { points: written, files: [`${room}.txt`, ...files.map((f) => `${ANNOTATIONS_DIR}/${basename(f)}`)] };
}
