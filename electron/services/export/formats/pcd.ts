import { APP_VERSION } from '../../version';
import { attributeField, coordinateFields, keptInChunk, labelFields, recordBytes, type FieldSpec } from '../binaryFields';
import type { ExportLabels } from '../labels';
import { colorByte, coordinatesOf, EXPORT_CHUNK_POINTS, findAttribute, sourceChunks } from '../points';
import { RecordEncoder } from '../recordScatter';
import type { BufferedWriter } from '../sink';
import type { ExportSource } from '../source';

export interface PcdWriteOptions {
  unlabeledCode: number;
  signal?: AbortSignal;
  progress?: (fraction: number, message: string) => void;
}

/**
 * Binary PCD 0.7, unorganized: x y z (F 8 when the source needs doubles), rgb packed as PCL does
 * (0x00RRGGBB read as F 4), intensity when present, then label (U 4, as PCL's PointXYZL; unlabeled
 * -1 is stored as 4294967295), instance (U 4) and confidence (U 1). Holes of organized sources
 * (NaN points) were never points of the scan, so the export is unorganized.
 */
export async function writePcd(src: ExportSource, labels: ExportLabels, options: PcdWriteOptions, out: BufferedWriter): Promise<{ points: number; details: Record<string, string | number | boolean> }> {
  const info = src.reader.info;
  const coords = coordinatesOf(info);
  const color = info.attributes.find((a) => a.name === 'color' && a.components >= 3);
  const intensity = info.attributes.find((a) => a.name === 'intensity' && a.components === 1);
  const unlabeled = options.unlabeledCode >>> 0;
  const specs: { spec: FieldSpec; pcdType: string }[] = coordinateFields(coords).map((spec) => ({ spec, pcdType: 'F' }));
  if (color)
    specs.push({
      pcdType: 'F',
      spec: {
        name: 'rgb',
        type: 'uint32',
        bind: (c) => {
          const a = findAttribute(c.attributes, 'color');
          if (!a) return () => 0;
          const comps = a.components;
          return (i) => ((colorByte(a, a.values[i * comps]!) << 16) | (colorByte(a, a.values[i * comps + 1]!) << 8) | colorByte(a, a.values[i * comps + 2]!)) >>> 0;
        },
      },
    });
  if (intensity) specs.push({ pcdType: 'F', spec: attributeField('intensity', 0, 1, 'intensity', 'float32') });
  // label as U 4: the int32 export code's bits (-1 reads as 4294967295), instance U 4, confidence U 1.
  for (const spec of labelFields(labels, unlabeled)) specs.push({ pcdType: 'U', spec: spec.type === 'int32' ? { ...spec, type: 'uint32' } : spec });
  const fields = specs.map((s) => s.spec);
  const size = (f: FieldSpec) => recordBytes([f]);
  const n = labels.keptCount;
  const header = [
    `# .PCD v0.7 - Point Cloud Data file format (ScanLabel ${APP_VERSION})`,
    'VERSION 0.7',
    `FIELDS ${fields.map((f) => f.name).join(' ')}`,
    `SIZE ${fields.map(size).join(' ')}`,
    `TYPE ${specs.map((s) => s.pcdType).join(' ')}`,
    `COUNT ${fields.map(() => 1).join(' ')}`,
    `WIDTH ${n}`,
    'HEIGHT 1',
    'VIEWPOINT 0 0 0 1 0 0 0',
    `POINTS ${n}`,
    'DATA binary',
  ];
  await out.writeText(header.join('\n') + '\n');
  const encoder = new RecordEncoder(fields, EXPORT_CHUNK_POINTS);
  let written = 0;
  for await (const chunk of sourceChunks(src.reader, options.signal)) {
    const local = labels.keep ? keptInChunk(labels, chunk) : null;
    const count = local ? local.length : chunk.count;
    // Written straight from the encoder's memory, which the next chunk reuses only after this write.
    if (count > 0) await out.write(encoder.encode(chunk, local));
    written += count;
    options.progress?.((chunk.start + chunk.count) / Math.max(1, labels.count), `${written} points`);
  }
  return { points: written, details: { coordinates: coords.type } };
}
