// The Nix adapter: the engine's only door to Nix. It runs the Nix command-line tools
// (no shell, no library bindings) and works with Nix 2.8 as well as current Nix; where
// their output differs, the parser takes every shape (see closure.ts, realise.ts).
//
//   realise         what the user names → valid store paths (builds, substitutes)
//   closureGraph    roots → every reachable path with narSize and references
//   storePathsIn*   the store paths an image config mentions (and that they are valid)
//   writeNixDb      includeNixDB: nix/var/nix/db registering exactly a closure
//   derivation*     a derivation read and its inputs realised (streamNixShellImage)
//   storeDir, nixVersion
//
// Errors: NixNotFoundError (install Nix), NixCommandError (a command failed: its command
// line and stderr tail), NixPathError (a named path is not, or cannot become, valid).

export { closureCovers, closureGraph, parsePathInfoJson, pathInfoFormatArgs } from './closure.ts';
export { type DerivationInfo, derivationPathOf, nixErrorLine, parseShowDerivationJson, realiseInputs, showDerivation } from './derivation.ts';
export { NixCommandError, NixNotFoundError, NixPathError } from './errors.ts';
export { type Installable, parseInstallable } from './installable.ts';
export { NIX_DB_REGISTRATION_TIME, type NixDbOptions, nixDbPath, writeNixDb } from './nixDb.ts';
export { parseBuildJson, prefetchValidity, type RealiseOptions, type Realised, realise, realiseDetailed } from './realise.ts';
export { isStorePath, storePathsInValue, toStorePath } from './storePath.ts';
export { invalidPaths, requireValidPaths, storePathsInConfig } from './validity.ts';
export { DEFAULT_STORE_DIR, type NixVersion, nixVersion, parseNixVersion, storeDir } from './version.ts';
