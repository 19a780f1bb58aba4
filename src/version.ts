// Who we are, for `nix-docker --version` and the documents that name their maker (SBOM
// creators, provenance builder). One place, so a release changes one line (package.json's
// "version" is the other).
export const TOOL_NAME = 'nix-docker-action';
export const TOOL_VERSION = '0.1.0';
export const TOOL_URI = 'https://github.com/nix-docker-action/nix-docker-action';
