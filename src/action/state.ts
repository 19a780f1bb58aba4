// What main hands to post, through core.saveState / getState (GITHUB_STATE → STATE_*),
// with typed getters and setters. Nothing secret is ever saved: values pass through
// `withoutSecrets` (keys that look like credentials are dropped) before they are written.

import * as core from '@actions/core';
import { State } from './constants.ts';

/** The layer cache's settings: post makes a fresh actionsCache with them and flushes its journal. */
export interface CacheState {
  dir: string;
  prefix: string;
  budget: number;
}

const SECRET_KEY = /pass(word)?|token|secret|auth|credential/i;

export function withoutSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutSecrets) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !SECRET_KEY.test(k)).map(([k, v]) => [k, withoutSecrets(v)])) as T;
  }
  return value;
}

function save(name: string, value: unknown): void {
  core.saveState(name, JSON.stringify(withoutSecrets(value)));
}

function load<T>(name: string, check: (v: unknown) => v is T): T | undefined {
  const text = core.getState(name);
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    return check(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

const isCacheState = (v: unknown): v is CacheState =>
  !!v && typeof v === 'object' && typeof (v as CacheState).dir === 'string' && typeof (v as CacheState).prefix === 'string' && typeof (v as CacheState).budget === 'number';

export const state = {
  setCache: (s: CacheState) => save(State.Cache, s),
  cache: () => load(State.Cache, isCacheState),
  setMainRan: () => save(State.MainRan, true),
  mainRan: () => load(State.MainRan, (v): v is boolean => typeof v === 'boolean') ?? false,
};
