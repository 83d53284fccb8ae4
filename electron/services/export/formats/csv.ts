import { keptInChunk } from '../binaryFields';
import { NO_LABEL, type ExportLabels } from '../labels';
import { colorByte, coordinatesOf, findAttribute, formatCoordinate, sourceChunks } from '../points';
import type { BufferedWriter } from '../sink';
import type { ExportSource } from '../source';

export interface CsvWriteOptions {
  unlabeledCode: number;
  signal?: AbortSignal;
  progress?: (fraction: number, message: string) => void;
}

/**
 * Comma-separated text with a header row: x,y,z (absolute, with the source's decimals), red,green,blue
 * (0-255) and intensity when the source has them, then label,instance,confidence. Spreadsheet and
 * pandas friendly; ScanLabel's XYZ/CSV importer maps the header names back.
 */
export async function writeCsv(src: ExportSource, labels: ExportLabels, options: CsvWriteOptions, out: BufferedWriter): Promise<{ points: number }> {
  const info = src.reader.info;
  const coords = coordinatesOf(info);
  const hasColor = info.attributes.some((a) => a.name === 'color' && a.components >= 3);
  const hasIntensity = info.attributes.some((a) => a.name === 'intensity' && a.components === 1);
  await out.writeText(['x', 'y', 'z', ...(hasColor ? ['red', 'green', 'blue'] : []), ...(hasIntensity ? ['intensity'] : []), 'label', 'instance', 'confidence'].join(',') + '\n');
  const { codes, instances, confidence } = labels;
  const d = coords.decimals;
  let written = 0;
  for await (const chunk of sourceChunks(src.reader, options.signal)) {
    const color = hasColor ? findAttribute(chunk.attributes, 'color') : undefined;
    const intensity = hasIntensity ? findAttribute(chunk.attributes, 'intensity') : undefined;
    const local = keptInChunk(labels, chunk);
    const rows: string[] = [];
    for (const i of local) {
      const g = chunk.start + i;
      let row = `${formatCoordinate(coords.value(chunk.positions, i, 0), d)},${formatCoordinate(coords.value(chunk.positions, i, 1), d)},${formatCoordinate(coords.value(chunk.positions, i, 2), d)}`;
      if (color) {
        const c = color.components;
        row += `,${colorByte(color, color.values[i * c]!)},${colorByte(color, color.values[i * c + 1]!)},${colorByte(color, color.values[i * c + 2]!)}`;
      }
      if (intensity) row += `,${intensity.values[i]!}`;
      const code = codes[g]!;
      row += code === NO_LABEL ? `,${options.unlabeledCode},0,0` : `,${code},${instances[g]!},${confidence[g]!}`;
      rows.push(row);
    }
    if (rows.length) await out.writeText(rows.join('\n') + '\n');
    written += local.length;
    options.progress?.((chunk.start + chunk.count) / Math.max(1, labels.count), `${written} points`);
  }
  return { points: written };
}
