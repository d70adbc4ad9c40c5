/**
 * Lab snapshots, restores and resets to factory. A restore and a reset run through `Lab.reload`:
 * services and routers stop, the data directory changes, and they start again from its files while
 * the console, proxies and port forwards keep their ports.
 */
import type { Lab } from '../lab';
import { emptyLabFiles, readLabFiles, stageRestore, swapInRestore } from './dataDir';
import { buildSnapshot, MAX_SNAPSHOT_BYTES, readSnapshot, SnapshotError, type Snapshot } from './format';

export { GET_NEW_SNAPSHOT, MAX_SNAPSHOT_BYTES, SnapshotError, type Snapshot } from './format';

/** A request the lab cannot carry out in its current state, such as a snapshot of an ephemeral lab. */
export class SnapshotConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotConflictError';
  }
}

export interface RestoreResult {
  routers: string[];
  files: number;
  /** Lab time after the restore: the snapshot's. */
  labTime: number;
}

/** Returns the lab's data directory; an ephemeral lab has none to snapshot or restore. */
export function snapshotDataDir(lab: Lab): string {
  const dataDir = lab.options.dataDir;
  if (!dataDir) {
    throw new SnapshotConflictError('This lab keeps no files (it runs with --ephemeral), so it has nothing to snapshot or restore. Start it with --data DIR to take snapshots; POST /api/lab/reset works without one.');
  }
  return dataDir;
}

/**
 * Waits for every pending write, then reads the data directory into a snapshot. The services and
 * routers keep running, so a change that lands while the files are read may be in the snapshot or
 * not, file by file.
 */
export async function takeSnapshot(lab: Lab): Promise<Snapshot> {
  const dataDir = snapshotDataDir(lab);
  await lab.flush();
  const labTime = lab.clock.now();
  const snapshot = buildSnapshot(labTime, lab.routers.map((router) => router.id), readLabFiles(dataDir));

  const size = Buffer.byteLength(JSON.stringify(snapshot));
  if (size > MAX_SNAPSHOT_BYTES) {
    throw new SnapshotConflictError(
      `The snapshot would be ${megabytes(size)} MB, more than the ${megabytes(MAX_SNAPSHOT_BYTES)} MB that POST /api/lab/restore accepts, so it could not be restored. Delete mailbox messages or old files under ${dataDir}, or start from a reset (POST /api/lab/reset).`,
    );
  }
  lab.logger.info({ files: snapshot.files.length, bytes: size, labTime }, 'Lab snapshot taken');
  return snapshot;
}

/**
 * Restores a parsed snapshot file. Everything is checked and written to a work folder before the
 * lab stops. A failure after that puts the previous files back and starts the lab from them.
 * Throws SnapshotError for an invalid file and SnapshotConflictError for an ephemeral lab.
 */
export async function restoreSnapshot(lab: Lab, body: unknown): Promise<RestoreResult> {
  const dataDir = snapshotDataDir(lab);
  const { snapshot, files } = readSnapshot(body);
  checkRouters(snapshot.routers, lab.routers.map((router) => router.id));

  stageRestore(dataDir, files);
  const timeBefore = lab.clock.now();
  let swap: ReturnType<typeof swapInRestore> | undefined;
  await lab.reload(
    async () => {
      swap = swapInRestore(dataDir);
      lab.clock.set(snapshot.labTime);
    },
    async () => {
      swap?.undo();
      swap = undefined;
      lab.clock.set(timeBefore);
    },
  );
  swap?.cleanup();
  lab.logger.info({ files: files.length, labTime: snapshot.labTime, createdAt: snapshot.createdAt }, 'Lab restored from a snapshot');
  return { routers: snapshot.routers, files: files.length, labTime: lab.clock.now() };
}

/**
 * Resets the lab to factory: every file but the lock and the lab CA goes, then the services start
 * from their seeds and the routers from factory defaults. An ephemeral lab starts them afresh in
 * memory. The lab clock, ISP lines, lab DNS records and the timeline stay as they are.
 */
export async function resetLab(lab: Lab): Promise<{ routers: string[] }> {
  const dataDir = lab.options.dataDir;
  await lab.reload(async () => {
    if (dataDir) emptyLabFiles(dataDir);
  });
  lab.logger.info({ routers: lab.routers.length }, 'Lab reset to factory');
  return { routers: lab.routers.map((router) => router.id) };
}

function checkRouters(inSnapshot: string[], running: string[]): void {
  if (inSnapshot.length === running.length && inSnapshot.every((id, index) => id === running[index])) return;
  const count = (ids: string[]) => `${ids.length} ${ids.length === 1 ? 'router' : 'routers'} (${ids.join(', ')})`;
  throw new SnapshotError(
    'routers',
    `The snapshot has ${count(inSnapshot)}, but this lab runs ${count(running)}. Start the lab with --routers ${inSnapshot.length} to restore this snapshot.`,
  );
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
