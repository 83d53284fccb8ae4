/**
 * Built-in class schemas. Codes are the values the standard's files carry, so export is a
 * direct mapping. The first nine classes of each list (ordered by how often labelers reach for
 * them, not by code) get hotkeys 1-9.
 */
export interface PresetClass {
  code: number;
  name: string;
  color: string;
}

export interface ClassPreset {
  id: PresetId;
  name: string;
  classes: readonly PresetClass[];
}

export const PRESET_IDS = ['asprs', 'sum', 'semantickitti', 's3dis'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

const c = (code: number, name: string, color: string): PresetClass => ({ code, name, color });

/** ASPRS LAS 1.4 (R15) standard classes for point data record formats 6-10; reserved codes left out. */
const asprs: ClassPreset = {
  id: 'asprs',
  name: 'ASPRS LAS 1.4',
  classes: [
    c(2, 'Ground', '#a0522d'),
    c(3, 'Low Vegetation', '#90ee90'),
    c(4, 'Medium Vegetation', '#32cd32'),
    c(5, 'High Vegetation', '#006400'),
    c(6, 'Building', '#ff4500'),
    c(9, 'Water', '#1e90ff'),
    c(7, 'Low Point (Noise)', '#ff00ff'),
    c(1, 'Unclassified', '#9e9e9e'),
    c(17, 'Bridge Deck', '#708090'),
    c(0, 'Created, Never Classified', '#c0c0c0'),
    c(10, 'Rail', '#8b4513'),
    c(11, 'Road Surface', '#696969'),
    c(13, 'Wire - Guard (Shield)', '#ffd700'),
    c(14, 'Wire - Conductor (Phase)', '#ffa500'),
    c(15, 'Transmission Tower', '#b22222'),
    c(16, 'Wire-Structure Connector (Insulator)', '#ffff00'),
    c(18, 'High Noise', '#ff1493'),
    c(19, 'Overhead Structure', '#4682b4'),
    c(20, 'Ignored Ground', '#8fbc8f'),
    c(21, 'Snow', '#f0f8ff'),
    c(22, 'Temporal Exclusion', '#d3d3d3'),
  ],
};

/** SUM-Helsinki urban mesh benchmark (codes as in its PLY face labels; 0 is unlabelled there). */
const sum: ClassPreset = {
  id: 'sum',
  name: 'SUM urban mesh',
  classes: [
    c(1, 'Terrain', '#aa5500'),
    c(2, 'High Vegetation', '#00ff00'),
    c(3, 'Building', '#ffff00'),
    c(4, 'Water', '#00ffff'),
    c(5, 'Car', '#ff00ff'),
    c(6, 'Boat', '#000099'),
  ],
};

/** SemanticKITTI raw label ids (static classes; moving-* variants are a tracking concern). */
const semantickitti: ClassPreset = {
  id: 'semantickitti',
  name: 'SemanticKITTI',
  classes: [
    c(10, 'car', '#6496f5'),
    c(30, 'person', '#ff1e1e'),
    c(40, 'road', '#ff00ff'),
    c(48, 'sidewalk', '#4b004b'),
    c(50, 'building', '#ffc800'),
    c(70, 'vegetation', '#00af00'),
    c(72, 'terrain', '#96f050'),
    c(80, 'pole', '#fff096'),
    c(81, 'traffic-sign', '#ff0000'),
    c(1, 'outlier', '#ff0000'),
    c(11, 'bicycle', '#64e6f5'),
    c(13, 'bus', '#6450fa'),
    c(15, 'motorcycle', '#1e3c96'),
    c(16, 'on-rails', '#0000ff'),
    c(18, 'truck', '#501eb4'),
    c(20, 'other-vehicle', '#0000ff'),
    c(31, 'bicyclist', '#ff28c8'),
    c(32, 'motorcyclist', '#961e5a'),
    c(44, 'parking', '#ff96ff'),
    c(49, 'other-ground', '#af004b'),
    c(51, 'fence', '#ff7832'),
    c(52, 'other-structure', '#ff9600'),
    c(60, 'lane-marking', '#96ffaa'),
    c(71, 'trunk', '#873c00'),
    c(99, 'other-object', '#32ffff'),
  ],
};

/** Stanford S3DIS indoor classes (the 13 of Area 1-6, codes as in the usual 0-12 numbering). */
const s3dis: ClassPreset = {
  id: 's3dis',
  name: 'S3DIS',
  classes: [
    c(0, 'ceiling', '#00ff00'),
    c(1, 'floor', '#0000ff'),
    c(2, 'wall', '#00ffff'),
    c(3, 'beam', '#ffff00'),
    c(4, 'column', '#ff00ff'),
    c(5, 'window', '#6464ff'),
    c(6, 'door', '#c8c864'),
    c(7, 'table', '#aa7878'),
    c(8, 'chair', '#ff0000'),
    c(9, 'sofa', '#0ac864'),
    c(10, 'bookcase', '#c86464'),
    c(11, 'board', '#c8c8c8'),
    c(12, 'clutter', '#323232'),
  ],
};

export const PRESETS: Readonly<Record<PresetId, ClassPreset>> = { asprs, sum, semantickitti, s3dis };

export const isPresetId = (s: string): s is PresetId => (PRESET_IDS as readonly string[]).includes(s);

/** Hotkeys '1'..'9' for the first nine classes in list order. */
export const defaultHotkey = (position: number): string | null => (position < 9 ? String(position + 1) : null);
