// Action inputs → the same raw attributes the CLI produces, so one spec parser serves
// both and errors read the same. Inputs that exist only for the action are kebab-case.

import { FUNCTIONS, type FunctionName, type RawAttributes } from '../spec/index.ts';
import { SpecError } from '../spec/errors.ts';

export const ACTION_INPUTS = {
  function: 'function',
  load: 'load',
  out: 'out',
} as const;

/** Every attribute name any function takes (the action.yml lists them all). */
export function allAttributeNames(): string[] {
  return [...new Set(Object.values(FUNCTIONS).flatMap((t) => Object.keys(t)))].sort();
}

/**
 * Reads the attributes of `fn` through `getInput`; an input given for an attribute
 * that `fn` does not take is an error naming it, not silently ignored.
 */
export function readAttributeInputs(fn: FunctionName, getInput: (name: string) => string): RawAttributes {
  const table = FUNCTIONS[fn] as Record<string, unknown>;
  const raw: RawAttributes = new Map();
  for (const name of allAttributeNames()) {
    const value = getInput(name);
    if (value.trim() === '') continue;
    if (!Object.hasOwn(table, name)) throw new SpecError(name, `not an input of function ${fn}`);
    raw.set(name, { text: [value] });
  }
  return raw;
}

/**
 * The runner passes every `with:` entry as INPUT_<NAME>, known or not, and only warns
 * about unknown ones; a misspelt attribute would silently fall back to its default, so
 * it is an error here.
 */
export function checkUnknownInputs(env: NodeJS.ProcessEnv): void {
  const known = new Set([...Object.values(ACTION_INPUTS), ...allAttributeNames()].map((n) => n.replace(/ /g, '_').toUpperCase()));
  for (const key of Object.keys(env)) {
    if (!key.startsWith('INPUT_')) continue;
    const name = key.slice('INPUT_'.length);
    if (!known.has(name)) throw new SpecError(name.toLowerCase(), 'not an input of this action (check its spelling)');
  }
}
