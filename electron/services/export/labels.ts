import { ServiceFailure } from '../../../common/result';
import { expandSnapshot, type LayerLabels, type LayerSnapshot, type ProjectStore } from '../labels/index';
import type { LabelSelection } from './options';

/** Marks a point with no exported label in `ExportLabels.codes`. */
export const NO_LABEL = -1;

export interface ExportClass {
  code: number;
  exportCode: number;
  name: string;
}

/**
 * The user layer as stored plus the schema code -> export code table: what an exporter needs to
 * resolve labels batch by batch (the LAS kernel does it per record) instead of through full-length
 * arrays.
 */
export interface LayerCodes {
  /** The stored chunks, uncopied: the LAS kernel reads them batch by batch. */
  snapshot: LayerSnapshot;
  /** Full-length arrays, built from the snapshot on first use (the other exporters' field fills). */
  readonly classes: Uint8Array | Uint16Array;
  readonly instances: Uint32Array;
  /** null: every label is the user's, confidence 255. */
  readonly confidence: Uint8Array | null;
  /** Schema code -> export code, NO_LABEL for unlabeled and unselected codes (65536 entries). */
  lut: Int32Array;
}

/** Per point, in source order: what the exporters write. */
export interface ExportLabels {
  count: number;
  /**
   * Export code (class schema exportCode ?? code), or NO_LABEL. `codes`, `instances` and
   * `confidence` are resolved on first use (full length: 9 bytes a point).
   */
  readonly codes: Int32Array;
  /** 0 where unlabeled. */
  readonly instances: Uint32Array;
  /** 255 for user labels, the prediction's confidence for merged predictions, 0 when unlabeled. */
  readonly confidence: Uint8Array;
  /** The layer and code table behind the arrays above; null when predictions are merged (resolved per point up front). */
  layer: LayerCodes | null;
  /** Points to write when exporting labeled points only; null = every point. */
  keep: Uint8Array | null;
  keptCount: number;
  /** Points written with no label (the unlabeled code). */
  unlabeledCount: number;
  /** Selected classes that occur, by schema code. */
  classes: ExportClass[];
  /** Largest export code written (-1 when none). */
  maxCode: number;
  /** Export code -> class name (the schema's), for formats that name classes (S3DIS, PLY comments). */
  names: Map<number, string>;
}

/**
 * Reads a scan's label layer (optionally merged with the predicted layer), maps schema codes to
 * export codes and applies the class subset. The per-point arrays are full length (labels are
 * needed by point index while the source streams past) and resolved only when an exporter reads
 * them; the LAS kernel resolves from `layer` per batch instead.
 */
export function resolveExportLabels(store: ProjectStore, scanId: string, sel: LabelSelection = {}): ExportLabels {
  const layerName = sel.layer ?? 'user';
  const layers = store.listLayers(scanId);
  const layer = layers.find((l) => l.name === layerName);
  if (!layer) throw new ServiceFailure('not_found', `scan "${scanId}" has no label layer "${layerName}" (has: ${layers.map((l) => l.name).join(', ')})`);
  const schemaClasses = store.listClasses(layer.schemaId);
  const exportOf = new Map(schemaClasses.map((c) => [c.code, c.exportCode ?? c.code]));
  const nameOf = new Map(schemaClasses.map((c) => [c.code, c.name]));
  const selected = sel.classes ? new Set(sel.classes) : null;
  if (selected) {
    const unknown = [...selected].filter((c) => !exportOf.has(c));
    if (unknown.length) throw new ServiceFailure('invalid_params', `class code(s) ${unknown.join(', ')} are not in the layer's class schema`);
  }

  // The user layer uncopied; full-length arrays only when an exporter needs them (a 5 M point
  // layer is ~40 MB of fresh pages, whose first touch cost the LAS export ~0.1 s).
  const snapshot = store.labelSnapshot(scanId, layerName);
  let full: LayerLabels | null = null;
  const userArrays = () => (full ??= expandSnapshot(snapshot));
  const n = snapshot.pointCount;
  const predicted = sel.mergePredicted ? readPredicted(store, scanId, sel.predictedLayer ?? 'predicted', layer.schemaId, layers) : null;
  const minConf = sel.minConfidence ?? 0;

  // Schema code -> export code lookup (codes are at most 16 bits): -1 for codes not selected.
  const lut = new Int32Array(65536).fill(NO_LABEL);
  for (let code = 0; code < 65536; code++) {
    if (code === snapshot.unlabeled) continue;
    if (selected && !selected.has(code)) continue;
    // A code missing from the schema (removed class, foreign data) exports as itself.
    lut[code] = exportOf.get(code) ?? code;
  }

  let mapped: MappedLabels | null = null;
  const resolve = (): MappedLabels => {
    if (mapped) return mapped;
    mapped = { codes: new Int32Array(n), instances: new Uint32Array(n), confidence: new Uint8Array(n), seen: new Uint8Array(65536) };
    if (predicted) mapWithPredictions(userArrays(), predicted, minConf, lut, mapped);
    else mapUserLabels(userArrays(), lut, mapped);
    return mapped;
  };
  // Which codes occur: from the resolved labels when predictions are merged, else a count of the
  // stored codes (one pass over 1-2 bytes a point instead of resolving 9).
  let seen: Uint8Array;
  let unlabeledCount = 0;
  if (predicted) {
    seen = resolve().seen;
    for (const c of resolve().codes) if (c === NO_LABEL) unlabeledCount++;
  } else {
    const counts = countCodes(snapshot);
    seen = new Uint8Array(65536);
    for (let code = 0; code < counts.length; code++) {
      if (counts[code] === 0) continue;
      if (lut[code] === NO_LABEL) unlabeledCount += counts[code]!;
      else seen[code] = 1;
    }
  }

  let keep: Uint8Array | null = null;
  let keptCount = n;
  if (sel.labeledOnly) {
    const { codes } = resolve();
    keep = new Uint8Array(n);
    keptCount = 0;
    for (let i = 0; i < n; i++) {
      if (codes[i] === NO_LABEL) continue;
      keep[i] = 1;
      keptCount++;
    }
    unlabeledCount = 0;
  }

  const classes: ExportClass[] = [];
  let maxCode = NO_LABEL;
  const names = new Map<number, string>();
  for (let code = 0; code < 65536; code++) {
    if (!seen[code]) continue;
    const exportCode = lut[code]!;
    const name = nameOf.get(code) ?? `class_${code}`;
    classes.push({ code, exportCode, name });
    if (!names.has(exportCode)) names.set(exportCode, name);
    maxCode = Math.max(maxCode, exportCode);
  }
  return {
    count: n,
    get codes() {
      return resolve().codes;
    },
    get instances() {
      return resolve().instances;
    },
    get confidence() {
      return resolve().confidence;
    },
    layer: predicted
      ? null
      : {
          snapshot,
          lut,
          get classes() {
            return userArrays().classes;
          },
          get instances() {
            return userArrays().instances;
          },
          get confidence() {
            return userArrays().confidence;
          },
        },
    keep,
    keptCount,
    unlabeledCount,
    classes,
    maxCode,
    names,
  };
}

/** How many points hold each stored code (points of unstored chunks are unlabeled); chunks count themselves once. */
function countCodes(snapshot: LayerSnapshot): Uint32Array {
  const counts = new Uint32Array(snapshot.codeWidth === 1 ? 256 : 65536);
  let stored = 0;
  for (const chunk of snapshot.chunks) {
    if (!chunk) continue;
    for (const [code, points] of chunk.codeCounts()) {
      counts[code] = counts[code]! + points;
      stored += points;
    }
  }
  counts[snapshot.unlabeled] = counts[snapshot.unlabeled]! + snapshot.pointCount - stored;
  return counts;
}

interface MappedLabels {
  codes: Int32Array;
  instances: Uint32Array;
  confidence: Uint8Array;
  /** Schema codes that occur among the exported labels. */
  seen: Uint8Array;
}

/**
 * The common case (no predictions merged) in a loop with every array in a local: this runs once
 * per point of every export, and the LAS export's other per-point work is a native copy.
 */
function mapUserLabels(user: LayerLabels, lut: Int32Array, out: MappedLabels): void {
  const { codes, instances, confidence, seen } = out;
  const classes = user.classes;
  const userInstances = user.instances;
  const userConfidence = user.confidence;
  const n = classes.length;
  for (let i = 0; i < n; i++) {
    const cls = classes[i]!;
    const code = lut[cls]!;
    codes[i] = code;
    if (code < 0) continue;
    instances[i] = userInstances[i]!;
    seen[cls] = 1;
  }
  if (userConfidence) {
    for (let i = 0; i < n; i++) if (codes[i]! >= 0) confidence[i] = userConfidence[i]!;
  } else for (let i = 0; i < n; i++) if (codes[i]! >= 0) confidence[i] = 255;
}

/** Unlabeled points take the predicted layer's label when its confidence reaches `minConf`. */
function mapWithPredictions(user: LayerLabels, predicted: LayerLabels, minConf: number, lut: Int32Array, out: MappedLabels): void {
  const { codes, instances, confidence, seen } = out;
  const n = user.classes.length;
  for (let i = 0; i < n; i++) {
    let cls = user.classes[i]!;
    let inst = user.instances[i]!;
    let conf = user.confidence ? user.confidence[i]! : 255;
    if (cls === user.unlabeled && predicted.classes[i] !== predicted.unlabeled) {
      const q = predicted.confidence ? predicted.confidence[i]! : 255;
      if (q >= minConf) {
        cls = predicted.classes[i]!;
        inst = predicted.instances[i]!;
        conf = q;
      }
    }
    const code = lut[cls]!;
    codes[i] = code;
    if (code === NO_LABEL) continue;
    instances[i] = inst;
    confidence[i] = conf;
    seen[cls] = 1;
  }
}

function readPredicted(store: ProjectStore, scanId: string, name: string, schemaId: number, layers: { name: string; schemaId: number }[]) {
  const layer = layers.find((l) => l.name === name);
  if (!layer) throw new ServiceFailure('not_found', `scan "${scanId}" has no label layer "${name}" to merge predictions from`);
  if (layer.schemaId !== schemaId) throw new ServiceFailure('invalid_params', `layer "${name}" uses a different class schema than the exported layer`);
  return store.readLabels(scanId, name);
}

/** Whether point i is written. */
export const isKept = (labels: ExportLabels, i: number): boolean => labels.keep === null || labels.keep[i] === 1;
