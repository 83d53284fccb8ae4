/** The labels service: projects, class schemas, label layers and persisted, undoable edits. */
export { ProjectStore, PROJECT_FILE, SIDECAR_DIR, LABEL_CHUNK_SIZE, type CreateProjectOptions } from './project';
export { LabelStore, expandSnapshot, type EditCommand, type LayerLabels, type LayerSnapshot } from './labelStore';
export { PRESETS, PRESET_IDS, isPresetId, type PresetId, type ClassPreset } from './presets';
export { parseIndexFile, pointSetToIndices } from './pointSets';
export { LOCKED, SOURCES, sourceName, unlabeledCode, type LabelSource } from './flags';
