// The action's side of the layer cache: main makes an Actions-cache backend when the
// runner offers the cache service (v2: ACTIONS_CACHE_SERVICE_V2 + ACTIONS_RESULTS_URL;
// v1: ACTIONS_CACHE_URL) and hands it to the engine, which looks layers up; post makes
// a fresh backend with the same settings and flushes what main put (the backend keeps a
// journal in its directory for exactly this). A failed save warns, never fails: the
// image was delivered already, and the cache only saves time.

import { isFeatureAvailable } from '@actions/cache';
import { actionsCache, defaultActionsCacheDir } from '../cache/actions/index.ts';
import type { LayerCache, SaveReport } from '../cache/index.ts';
import type { Logger } from '../util/log.ts';
import type { ActionInputs } from './inputs.ts';
import { state, type CacheState } from './state.ts';

export function cacheServiceAvailable(): boolean {
  try {
    return isFeatureAvailable();
  } catch {
    return false;
  }
}

/** The backend for main, or undefined (cache off, or no cache service); its settings go to the post step. */
export function openLayerCache(inputs: ActionInputs, env: NodeJS.ProcessEnv, log: Logger): LayerCache | undefined {
  if (!inputs.cache.enabled) {
    log.info('layer cache: off (cache: false)');
    return undefined;
  }
  if (!cacheServiceAvailable()) {
    log.info('layer cache: the Actions cache service is not available to this run; building without it');
    return undefined;
  }
  const settings: CacheState = { dir: defaultActionsCacheDir(env), prefix: inputs.cache.prefix, budget: inputs.cache.budget };
  state.setCache(settings);
  return actionsCache({ ...settings, log });
}

/** Post: saves the layers main built. Never throws. */
export async function saveLayerCache(log: Logger): Promise<{ report: SaveReport; settings: CacheState } | undefined> {
  const settings = state.cache();
  if (!settings) return undefined;
  try {
    const cache = actionsCache({ ...settings, log });
    const report = await cache.flush();
    return { report, settings };
  } catch (err) {
    log.warn(`layer cache: saving layers failed: ${(err as Error).message}`);
    return undefined;
  }
}
