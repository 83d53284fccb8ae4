import { UsageError } from '../args';
import { EXIT, type CliCommand, type CliIO } from '../command';
import type { ScanInfo, ScanReader } from '../../services/scans/formats/types';
import { addToHistogram, openScan } from '../../services/scans/read';

interface LabelSummary {
  name: string;
  attribute: string;
  target: 'points' | 'faces';
  /** value -> count, ascending by value. */
  histogram: [number, number][];
}

/** Histograms of every label-like attribute: one streaming pass over the points, plus the mesh's faces. */
async function labelHistograms(reader: ScanReader): Promise<LabelSummary[]> {
  const labels = reader.labelAttributes();
  const hist = labels.map(() => new Map<number, number>());
  const pointLabels = labels.map((l, i) => ({ l, i })).filter(({ l }) => l.target === 'points');
  if (pointLabels.length) {
    for await (const chunk of reader.chunks()) {
      for (const { l, i } of pointLabels) {
        const a = chunk.attributes.find((x) => x.name === l.attribute);
        if (a) addToHistogram(hist[i]!, a.values);
      }
    }
  }
  if (labels.some((l) => l.target === 'faces')) {
    const mesh = await reader.mesh();
    labels.forEach((l, i) => {
      const a = l.target === 'faces' ? mesh?.faceAttributes.find((x) => x.name === l.attribute) : undefined;
      if (a) addToHistogram(hist[i]!, a.values);
    });
  }
  return labels.map((l, i) => ({ ...l, histogram: [...hist[i]!.entries()].sort((a, b) => a[0] - b[0]) }));
}

const num = (n: number) => n.toLocaleString('en-US');
const coord = (v: number[]) => v.map(String).join('  ');

function printText(io: CliIO, file: string, info: ScanInfo, labels: LabelSummary[]): void {
  const row = (k: string, v: string) => io.out(`${(k + ':').padEnd(14)}${v}`);
  row('file', file);
  row('format', info.format);
  row('version', info.version);
  row('points', num(info.pointCount));
  row('faces', num(info.faceCount));
  row('bounds min', coord(info.boundsMin));
  row('bounds max', coord(info.boundsMax));
  row('crs', info.crs === null ? '(none)' : info.crs.length > 120 ? `${info.crs.slice(0, 117)}...` : info.crs);
  io.out('attributes:');
  for (const a of info.attributes) io.out(`  ${a.name.padEnd(26)}${a.type}${a.components > 1 ? ` x${a.components}` : ''}`);
  const details = Object.entries(info.details);
  if (details.length) {
    io.out('details:');
    for (const [k, v] of details) io.out(`  ${k.padEnd(26)}${String(v)}`);
  }
  for (const l of labels) {
    const total = l.histogram.reduce((s, [, c]) => s + c, 0);
    io.out(`histogram of ${l.attribute} (${l.target}${l.name !== l.attribute ? `, label layer "${l.name}"` : ''}):`);
    if (!total) io.out('  (empty)');
    for (const [value, count] of l.histogram)
      io.out(`  ${String(value).padStart(6)}  ${num(count).padStart(13)}  ${((100 * count) / total).toFixed(1).padStart(5)}%`);
  }
}

export const infoCommand: CliCommand = {
  name: 'info',
  summary: 'describe a scan file: format, counts, bounds, attributes, CRS and a histogram of each label attribute',
  usage: 'info FILE [--json]',
  booleanFlags: ['json'],
  async run(args, io) {
    if (args.positionals.length !== 1) throw new UsageError(args.positionals.length ? 'expected exactly one FILE' : 'missing FILE');
    const unknown = [...args.options.keys(), ...[...args.flags].filter((f) => f !== 'json')];
    if (unknown.length) throw new UsageError(`unknown option --${unknown[0]}`);
    const file = args.positionals[0]!;
    const reader = await openScan(file);
    try {
      const info = reader.info;
      const labels = await labelHistograms(reader);
      if (args.flags.has('json')) {
        io.out(
          JSON.stringify({
            file,
            format: info.format,
            version: info.version,
            pointCount: info.pointCount,
            faceCount: info.faceCount,
            boundsMin: info.boundsMin,
            boundsMax: info.boundsMax,
            origin: info.origin,
            crs: info.crs,
            attributes: info.attributes,
            details: info.details,
            labels: labels.map((l) => ({ ...l, histogram: Object.fromEntries(l.histogram.map(([v, c]) => [String(v), c])) })),
          }),
        );
      } else printText(io, file, info, labels);
      return EXIT.ok;
    } finally {
      await reader.close();
    }
  },
};
