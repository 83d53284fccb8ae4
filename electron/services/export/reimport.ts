import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { BadInputError } from '../errors';
import { ANNOTATIONS_DIR } from './formats/s3dis';

/**
 * Readers for the two exported formats that are label files rather than scans (the scan importers
 * read LAS, PLY, PCD and CSV back themselves): a SemanticKITTI `.label` and an S3DIS room folder.
 */

/** Semantic id (lower 16 bits) and instance id (upper 16) of every point of a `.label` file. */
export async function readKittiLabels(path: string): Promise<{ semantic: Uint16Array; instance: Uint16Array }> {
  const bytes = await readFile(path);
  if (bytes.length % 4 !== 0) throw new BadInputError(basename(path), `is ${bytes.length} bytes, not a whole number of uint32 labels`);
  const n = bytes.length / 4;
  const semantic = new Uint16Array(n);
  const instance = new Uint16Array(n);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < n; i++) {
    const v = dv.getUint32(4 * i, true);
    semantic[i] = v & 0xffff;
    instance[i] = v >>> 16;
  }
  return { semantic, instance };
}

export interface S3disLabels {
  /** Class name per room point ('' when no annotation holds it). */
  classes: string[];
  /** Annotation file (object) index per room point, -1 when none. */
  objects: Int32Array;
  /** Object file names, by object index. */
  objectFiles: string[];
}

/**
 * Assigns each line of `<room>.txt` the annotation file that lists the same point. Lines are matched
 * by their text (x y z r g b); identical lines are handed out in order, which is exact for files
 * written in source order.
 */
export async function readS3disRoom(dir: string, room = basename(dir)): Promise<S3disLabels> {
  const roomLines = splitLines(await readFile(join(dir, `${room}.txt`), 'utf8'));
  const byLine = new Map<string, number[]>();
  roomLines.forEach((line, i) => {
    const list = byLine.get(line);
    if (list) list.push(i);
    else byLine.set(line, [i]);
  });
  const taken = new Map<string, number>();
  const classes = roomLines.map(() => '');
  const objects = new Int32Array(roomLines.length).fill(-1);
  const objectFiles = (await readdir(join(dir, ANNOTATIONS_DIR))).filter((f) => f.endsWith('.txt')).sort();
  for (const [k, file] of objectFiles.entries()) {
    const m = /^(.*)_(\d+)\.txt$/.exec(file);
    if (!m) throw new BadInputError(file, 'annotation file names are <class>_<number>.txt');
    for (const line of splitLines(await readFile(join(dir, ANNOTATIONS_DIR, file), 'utf8'))) {
      const list = byLine.get(line);
      const next = taken.get(line) ?? 0;
      if (!list || next >= list.length) throw new BadInputError(file, `lists a point that is not in ${room}.txt: "${line}"`);
      taken.set(line, next + 1);
      classes[list[next]!] = m[1]!;
      objects[list[next]!] = k;
    }
  }
  return { classes, objects, objectFiles };
}

const splitLines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
