/**
 * The parts of js-yaml 3 (a dependency of the package) that the scenario loader uses, typed here
 * because @types/js-yaml is not installed.
 */

export interface YamlMark {
  /** Zero-based line. */
  line: number;
  column: number;
}

export interface YamlException extends Error {
  name: 'YAMLException';
  reason: string;
  mark?: YamlMark;
}

/** Loader state that js-yaml passes to a listener; `line` is zero-based. */
export interface YamlLoaderState {
  line: number;
  result: unknown;
}

interface JsYaml {
  safeLoad(input: string, options?: { filename?: string; listener?: (event: 'open' | 'close', state: YamlLoaderState) => void }): unknown;
}

let loaded: JsYaml | undefined;

export function jsYaml(): JsYaml {
  if (!loaded) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = require('js-yaml') as JsYaml;
    } catch (error) {
      throw new Error(`Reading scenario files needs the js-yaml package, which could not be loaded (${(error as Error).message}); install it with "npm install js-yaml@3".`);
    }
  }
  return loaded;
}
