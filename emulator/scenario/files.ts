/** Expands the file arguments of `vigor-sim run`: files, directories (every .yaml and .yml below) and globs. */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const SCENARIO_FILE = /\.ya?ml$/i;

export function expandScenarioArguments(args: string[], cwd = process.cwd()): string[] {
  const files: string[] = [];
  for (const arg of args) {
    const matches = /[*?[{]/.test(arg) ? globFiles(arg, cwd) : pathFiles(path.resolve(cwd, arg), arg);
    if (matches.length === 0) throw new Error(`No scenario files match "${arg}"`);
    files.push(...matches);
  }
  return [...new Set(files)];
}

function pathFiles(absolute: string, arg: string): string[] {
  let stats;
  try {
    stats = statSync(absolute);
  } catch {
    throw new Error(`Scenario file or directory not found: ${arg}`);
  }
  return stats.isDirectory() ? walk(absolute) : [absolute];
}

function walk(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...walk(full));
    else if (SCENARIO_FILE.test(entry.name)) found.push(full);
  }
  return found;
}

/** Matches a glob (`*`, `**`, `?`, `{a,b}`) against the files below its first directory without wildcards. */
function globFiles(pattern: string, cwd: string): string[] {
  const absolute = path.resolve(cwd, pattern);
  const parts = absolute.split(path.sep);
  const firstWild = parts.findIndex((part) => /[*?[{]/.test(part));
  const root = parts.slice(0, firstWild).join(path.sep) || path.sep;
  let candidates: string[];
  try {
    candidates = walkAll(root);
  } catch {
    return [];
  }
  const matcher = globToRegExp(absolute.split(path.sep).join('/'));
  return candidates.filter((file) => matcher.test(file.split(path.sep).join('/')));
}

/** Converts a glob to a regular expression: `**` spans directories, `*` and `?` stay within one. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index]!;
    if (glob.startsWith('**/', index)) {
      source += '(?:.*/)?';
      index += 2;
    } else if (glob.startsWith('**', index)) {
      source += '.*';
      index += 1;
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{') source += '(?:';
    else if (char === '}') source += ')';
    else if (char === ',' && source.lastIndexOf('(?:') > source.lastIndexOf(')')) source += '|';
    else source += char.replace(/[.+^$()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

function walkAll(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) found.push(...walkAll(full));
    else found.push(full);
  }
  return found;
}
