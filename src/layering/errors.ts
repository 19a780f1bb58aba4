/**
 * A layering input the user got wrong. `attribute` names the dockerTools attribute to fix
 * (`maxLayers`, `layeringPipeline`), and the one-line message starts with it.
 */
export class LayeringError extends Error {
  override name = 'LayeringError';
  readonly attribute: string;
  constructor(attribute: string, message: string) {
    super(`${attribute}: ${message}`);
    this.attribute = attribute;
  }
}

/** The closure graph handed to the planner is inconsistent (a bug upstream of layering). */
export class StoreGraphError extends Error {
  override name = 'StoreGraphError';
}
