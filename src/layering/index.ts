// Layer planning: which store paths share a layer, as nixpkgs' streamLayeredImage
// decides it. Pure: data in, data out. See README.md beside this file.

export { LayeringError, StoreGraphError } from './errors.ts';
export {
  availableLayers,
  DEFAULT_STRATEGY,
  parseLayeringStrategy,
  planLayers,
  type LayeringStrategy,
  type NamedStrategy,
  type PlanOptions,
} from './plan.ts';
export { parseLayeringPipeline, STEP_NAMES, type LayeringPipeline, type PipelineStep, type SplitPathSpec } from './pipeline/parse.ts';
export { nixpkgsImageRoots, narSizeOfDirectory, narSizeOfFile, type ImageRoots, type ImageRootsInput } from './roots.ts';
export { packageNameKey, popularityOrder } from './popularity.ts';
