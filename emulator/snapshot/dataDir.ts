/**
 * The file side of snapshots: reading the data directory's files, swapping in a restored tree, and
 * emptying the directory for a reset to factory. The lab CA (`lab/ca/`) and the lock file belong to
 * the machine, not to the lab state. So they are never part of a snapshot, and they survive a
 * restore and a reset, which keeps browsers that trust the lab CA trusting it.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'lab.lock';
const CA_DIR = 'lab/ca';
/** Work folders of a restore, inside the data directory so that every rename stays on one file system. */
const INCOMING_DIR = '.restore-incoming';
const PREVIOUS_DIR = '.restore-previous';

/** Tells whether a relative path (with `/` separators) is left out of snapshots and kept by restores and resets. */
function isMachineFile(relativePath: string): boolean {
  if (relativePath === LOCK_FILE || relativePath === CA_DIR || relativePath.startsWith(`${CA_DIR}/`)) return true;
  if (relativePath === INCOMING_DIR || relativePath === PREVIOUS_DIR) return true;
  // lowdb's writer (steno) writes `.<name>.tmp` next to a file and renames it over the file.
  const base = path.posix.basename(relativePath);
  return base.startsWith('.') && base.endsWith('.tmp');
}

/** Reads every regular file of the data directory except the machine's, sorted by path. Symbolic links are skipped. */
export function readLabFiles(dataDir: string): { path: string; data: Buffer }[] {
  const files: { path: string; data: Buffer }[] = [];
  const walk = (relativeDir: string) => {
    for (const entry of readdirSync(path.join(dataDir, relativeDir), { withFileTypes: true })) {
      const relativePath = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (isMachineFile(relativePath)) continue;
      if (entry.isDirectory()) walk(relativePath);
      else if (entry.isFile()) files.push({ path: relativePath, data: readFileSync(path.join(dataDir, relativePath)) });
    }
  };
  walk('');
  // Code-unit order, the same on every host, unlike localeCompare.
  return files.sort((a, b) => {
    if (a.path === b.path) return 0;
    return a.path < b.path ? -1 : 1;
  });
}

/**
 * Writes a restored tree into a work folder of the data directory, with a copy of the lab CA. The
 * running lab's files stay untouched, so a failure here leaves nothing to undo except the folder,
 * which the next call removes.
 */
export function stageRestore(dataDir: string, files: { path: string; data: Buffer }[]): void {
  const incoming = path.join(dataDir, INCOMING_DIR);
  rmSync(incoming, { recursive: true, force: true });
  mkdirSync(incoming, { recursive: true });
  for (const file of files) {
    const target = path.join(incoming, ...file.path.split('/'));
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, file.data);
  }
  const ca = path.join(dataDir, CA_DIR);
  if (existsSync(ca)) cpSync(ca, path.join(incoming, CA_DIR), { recursive: true });
}

/**
 * Moves the lab's top-level entries aside and the staged ones in their place. When a rename fails,
 * the entries already moved go back before the error is raised. Returns the undo, which puts the
 * previous tree back, and the cleanup, which deletes it.
 */
export function swapInRestore(dataDir: string): { undo(): void; cleanup(): void } {
  const incoming = path.join(dataDir, INCOMING_DIR);
  const previous = path.join(dataDir, PREVIOUS_DIR);
  rmSync(previous, { recursive: true, force: true });
  mkdirSync(previous);

  const moved: { from: string; to: string }[] = [];
  const move = (from: string, to: string) => {
    renameSync(from, to);
    moved.push({ from, to });
  };
  const rollBack = () => {
    for (const { from, to } of moved.reverse()) {
      if (existsSync(from)) rmSync(from, { recursive: true, force: true });
      renameSync(to, from);
    }
    moved.length = 0;
  };

  try {
    for (const name of topLevelEntries(dataDir)) move(path.join(dataDir, name), path.join(previous, name));
    for (const name of readdirSync(incoming)) move(path.join(incoming, name), path.join(dataDir, name));
  } catch (error) {
    rollBack();
    throw error;
  }
  rmSync(incoming, { recursive: true, force: true });

  return {
    undo: () => {
      for (const name of topLevelEntries(dataDir)) rmSync(path.join(dataDir, name), { recursive: true, force: true });
      for (const name of readdirSync(previous)) renameSync(path.join(previous, name), path.join(dataDir, name));
      rmSync(previous, { recursive: true, force: true });
    },
    cleanup: () => rmSync(previous, { recursive: true, force: true }),
  };
}

/** Deletes every file of the data directory except the lock and the lab CA, for a reset to factory. */
export function emptyLabFiles(dataDir: string): void {
  const remove = (relativeDir: string) => {
    for (const entry of readdirSync(path.join(dataDir, relativeDir), { withFileTypes: true })) {
      const relativePath = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
      if (relativePath === LOCK_FILE || relativePath === CA_DIR) continue;
      // Only the folder that contains the CA is descended into. Everything else is deleted whole.
      if (entry.isDirectory() && `${CA_DIR}/`.startsWith(`${relativePath}/`)) remove(relativePath);
      else rmSync(path.join(dataDir, relativePath), { recursive: true, force: true });
    }
  };
  remove('');
}

/** Top-level entries that a restore replaces: all but the lock and the restore's work folders. */
function topLevelEntries(dataDir: string): string[] {
  return readdirSync(dataDir).filter((name) => name !== LOCK_FILE && name !== INCOMING_DIR && name !== PREVIOUS_DIR);
}
