// The Actions cache backend, kept apart from ../index.ts so that only the action's
// bundle carries @actions/cache.

export {
  DEFAULT_ACTIONS_BUDGET,
  DEFAULT_ACTIONS_MAX_AGE_MS,
  DEFAULT_PREFIX,
  DEFAULT_REFRESH_MS,
  actionsCache,
  defaultActionsCacheDir,
  type ActionsCacheOptions,
} from './backend.ts';
export type { ActionsCacheClient, RetryOptions } from './client.ts';
