import { open } from 'node:fs/promises';
import { ServiceFailure } from '../../../../common/result';
import type { LasSourceDetails } from '../../scans/formats/las';
import type { ExportLabels } from '../labels';
import type { BufferedWriter } from '../sink';
import { buildLasHeader } from './header';
import { planLas, type EvlrOut, type LasPlan } from './plan';
import { openRawRecords, type RawRecords } from './rawRecords';
import { LabelKernel, type LabelLayout } from './labelKernel';
import { RecordStats, writeRecords } from './records';

/** Points per batch on the JS record path: ~10 MB of records, large enough to keep the per-batch overhead invisible. */
const BATCH_POINTS = 262_144;

/**
 * Source bytes per batch on the kernel path. Small on purpose: each slot's input and output live
 * in fresh WebAssembly memory, and first-touch page faults cost ~20-30 us per 4 KB page on the
 * VMs we measured, so 10 MB batches spent ~0.2 s of a 5 M point export faulting in ~36 MB; 1 MB
 * batches fault in ~4 MB, and stay in the CPU cache between the read, the kernel and the write.
 */
const KERNEL_BATCH_BYTES = 1 << 20;

export interface LasWriteOptions {
  lasVersion?: '1.2' | '1.4';
  unlabeledCode: number;
  keepSourceClass: boolean;
  signal?: AbortSignal;
  progress?: (fraction: number, message: string) => void;
}

export interface LasWriteResult {
  points: number;
  details: Record<string, string | number | boolean>;
}

/**
 * LAS export from a LAS/LAZ source: header, VLRs and EVLRs carried over (minus the LAZ/COPC ones),
 * point records copied as stored with the label fields written, so scale, offset and every integer
 * coordinate are exactly the source's.
 */
export async function writeLasFromLas(sourcePath: string, source: LasSourceDetails, labels: ExportLabels, options: LasWriteOptions, out: BufferedWriter): Promise<LasWriteResult> {
  const records = await openRawRecords(sourcePath, source);
  try {
    const header = records.header;
    if (header.pointCount !== labels.count)
      throw new ServiceFailure('invalid_params', `the source holds ${header.pointCount} points but the label layer ${labels.count}`);
    const anyUnlabeled = !options.keepSourceClass && labels.unlabeledCount > 0;
    const maxCode = Math.max(labels.maxCode, anyUnlabeled ? options.unlabeledCode : -1);
    if (anyUnlabeled && options.unlabeledCode < 0) throw new ServiceFailure('invalid_params', `LAS cannot store the unlabeled code ${options.unlabeledCode}`);
    const plan = planLas({ source, header, maxCode, lasVersion: options.lasVersion });

    await out.write(new Uint8Array(plan.headerSize)); // placeholder, rewritten once counts are known
    for (const v of plan.vlrs) await out.write(v);
    await out.write(plan.bytesAfterVlrs);

    const stats = new RecordStats();
    const labelWrite = { labels, unlabeledCode: options.unlabeledCode, keepSourceClass: options.keepSourceClass };
    const progress = (read: number) => options.progress?.(read / Math.max(1, header.pointCount), `${read} of ${header.pointCount} points`);
    let read = 0;
    if (plan.outFormat.id === plan.inFormat.id && labels.keep === null && !options.keepSourceClass) {
      // Every point, same layout: the WebAssembly kernel copies and labels records in its own memory.
      const batchPoints = Math.max(1, Math.floor(KERNEL_BATCH_BYTES / plan.inRecordLength));
      read = await copyLabeledPipelined(records, new LabelKernel(kernelLayout(plan, options.unlabeledCode), batchPoints, 2), labels, out, options.signal, progress);
      stats.written = read;
    } else {
      const batch = new Uint8Array(BATCH_POINTS * plan.outRecordLength);
      for (;;) {
        options.signal?.throwIfAborted();
        const next = await records.next(BATCH_POINTS);
        if (!next) break;
        const written = writeRecords(next.raw, next.count, read, plan, labelWrite, batch, stats);
        read += next.count;
        if (written > 0) await out.write(batch.subarray(0, written * plan.outRecordLength));
        progress(read);
      }
    }
    if (read !== header.pointCount) throw new ServiceFailure('invalid_params', `the source yielded ${read} of its ${header.pointCount} points`);

    const evlrStart = out.position;
    await writeEvlrs(sourcePath, plan.evlrs, out);
    const headerBytes = buildLasHeader({ sourceBytes: source.headerBytes, source: header, plan, stats, allPoints: labels.keep === null, evlrStart });
    await out.patch(headerBytes, 0);
    return {
      points: stats.written,
      details: {
        las_version: `1.${plan.versionMinor}`,
        point_format: plan.outFormat.id,
        record_length: plan.outRecordLength,
        ...(plan.notes.length ? { notes: plan.notes.join('; ') } : {}),
      },
    };
  } finally {
    await records.close();
  }
}

function kernelLayout(plan: LasPlan, unlabeled: number): LabelLayout {
  const extended = plan.outFormat.extended;
  return {
    inRecordLength: plan.inRecordLength,
    outRecordLength: plan.outRecordLength,
    classAt: extended ? 16 : 15,
    classMask: extended ? 0 : 0xe0,
    instanceAt: plan.instanceAt,
    confidenceAt: plan.confidenceAt,
    unlabeled,
  };
}

/** Marks a promise as observed now (it is awaited later): a rejection while another await is pending must not count as unhandled. */
function handled<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}

/**
 * The kernel loop with the I/O overlapped: while the kernel labels batch k (on this thread), the
 * read of batch k+1 and the write of batch k-1 run on libuv's threads, so the system time of both
 * (copies from and into the page cache) lands on the other core. Two kernel slots alternate: a
 * slot's input is refilled only after its records were turned into output, and its output is
 * overwritten only after the write of that output finished (one write in flight at a time).
 */
async function copyLabeledPipelined(
  records: RawRecords,
  kernel: LabelKernel,
  labels: ExportLabels,
  out: BufferedWriter,
  signal: AbortSignal | undefined,
  progress: (read: number) => void,
): Promise<number> {
  let read = 0;
  let reading = handled(records.readInto(kernel.input(0)));
  let writing = Promise.resolve();
  try {
    for (let slot = 0; ; slot ^= 1) {
      const count = await reading;
      if (count === 0) break;
      signal?.throwIfAborted();
      reading = handled(records.readInto(kernel.input(slot ^ 1)));
      const output = kernel.run(count, read, labels, slot);
      read += count;
      await writing;
      writing = handled(out.writeUnbuffered(output));
      progress(read);
    }
    await writing;
    return read;
  } catch (e) {
    // Nothing may still be reading into or writing from kernel memory (or the temp file) once this returns.
    await Promise.allSettled([reading, writing]);
    throw e;
  }
}

/** EVLRs too large to have been loaded at import (waveforms, big hierarchies) are streamed from the source. */
async function writeEvlrs(sourcePath: string, evlrs: EvlrOut[], out: BufferedWriter): Promise<void> {
  for (const e of evlrs) {
    if ('bytes' in e) {
      await out.write(e.bytes);
      continue;
    }
    const fh = await open(sourcePath, 'r');
    try {
      const buf = new Uint8Array(4 * 1024 * 1024);
      for (let done = 0; done < e.length; ) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, e.length - done), e.sourceOffset + done);
        if (bytesRead === 0) throw new ServiceFailure('invalid_params', 'the source file ends inside an EVLR');
        await out.write(buf.slice(0, bytesRead));
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }
}
