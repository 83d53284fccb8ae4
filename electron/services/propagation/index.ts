/** Label propagation from sparse clicks (issue 6): features, superpoints, classifier, smoothing, suggestions. */
export { prepareScan, type PreparedScan, type PrepareOptions } from './prepare';
export { propagate, UNLABELED, type PropagationInput, type PropagationResult } from './propagate';
export { PropagationEngine, type EngineOptions } from './engine';
export { suggestClicks, type Suggestion, type SuggestInput } from './suggest';
export { selectPredictions, acceptCommand, type AcceptCriteria, type AcceptSelection, type AcceptRegion } from './accept';
export { readFeatureCache, writeFeatureCache, FEATURE_CACHE_VERSION } from './featureCache';
export { groundFilter, groundPoints, type GroundOptions, type GroundResult } from '../geometry/ground';
export { meanIoU, composite } from './metrics';
export { fromStoreLayer, toStoreClasses } from './storeSeam';
export { prepareMesh, faceCentroidCloud } from './superfacets';
