import { BadInputError } from '../../../errors';

/** The parts of a Wavefront material that a labeling view uses: diffuse colour and texture. */
export interface MtlMaterial {
  name: string;
  /** Kd in 0..1, null when absent. */
  diffuse: [number, number, number] | null;
  /** map_Kd file name as written, relative to the MTL file. */
  diffuseMap: string | null;
}

/** Options of map_* statements and how many arguments each takes (MTL spec). */
const MAP_OPTION_ARGS: Record<string, number> = {
  '-blendu': 1,
  '-blendv': 1,
  '-bm': 1,
  '-boost': 1,
  '-cc': 1,
  '-clamp': 1,
  '-imfchan': 1,
  '-mm': 2,
  '-o': 3,
  '-s': 3,
  '-t': 3,
  '-texres': 1,
  '-type': 1,
};

/** File name of a map statement: the text after its options (names may contain spaces). */
function mapFileName(tokens: string[]): string {
  let i = 1;
  while (i < tokens.length && tokens[i]!.startsWith('-') && MAP_OPTION_ARGS[tokens[i]!] !== undefined) {
    const max = MAP_OPTION_ARGS[tokens[i]!]!;
    i++;
    // -o/-s/-t take 1 to 3 numbers; stop at the first non-number.
    for (let k = 0; k < max && i < tokens.length - 1 && (max === 1 || Number.isFinite(Number(tokens[i]))); k++) i++;
  }
  return tokens.slice(i).join(' ');
}

export function parseMtl(text: string, file: string): MtlMaterial[] {
  const materials: MtlMaterial[] = [];
  let current: MtlMaterial | null = null;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!.replace(/#.*/, '').trim();
    if (!line) continue;
    const tokens = line.split(/\s+/);
    const keyword = tokens[0]!;
    if (keyword === 'newmtl') {
      current = { name: line.slice(keyword.length).trim(), diffuse: null, diffuseMap: null };
      materials.push(current);
    } else if (keyword === 'Kd') {
      if (!current) throw new BadInputError(file, 'Kd before any newmtl', { line: n + 1 });
      if (tokens[1] === 'spectral' || tokens[1] === 'xyz') continue; // rare forms, no RGB to show
      const rgb = tokens.slice(1, 4).map(Number);
      // "Kd r" alone means grey r r r.
      if (rgb.length === 1) rgb.push(rgb[0]!, rgb[0]!);
      if (rgb.length !== 3 || !rgb.every(Number.isFinite))
        throw new BadInputError(file, `Kd: expected 3 numbers, got "${line}"`, { line: n + 1 });
      current.diffuse = rgb as [number, number, number];
    } else if (keyword === 'map_Kd') {
      if (!current) throw new BadInputError(file, 'map_Kd before any newmtl', { line: n + 1 });
      const name = mapFileName(tokens);
      if (!name) throw new BadInputError(file, 'map_Kd without a file name', { line: n + 1 });
      current.diffuseMap = name;
    }
  }
  return materials;
}
