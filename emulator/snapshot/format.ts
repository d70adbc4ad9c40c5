/**
 * The lab snapshot file: one JSON document with every file of the data directory in base64 and a
 * SHA-256 checksum. docs/lab-api.md describes the format. Files are copied byte for byte, so the
 * secrets that the firmware and the identity providers seal stay sealed.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { describeValue } from '../console/validate';

export const SNAPSHOT_FORMAT = 'vigor-sim-snapshot';
export const SNAPSHOT_VERSION = 1;

/** Largest snapshot that POST /api/lab/restore accepts, in bytes of JSON (base64 makes files about 4/3 larger). */
export const MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024;

export interface SnapshotFile {
  /** Path relative to the data directory, with `/` separators. */
  path: string;
  /** File content in base64. */
  content: string;
}

export interface Snapshot {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** Host time the snapshot was taken, ISO 8601. */
  createdAt: string;
  /** Lab time the snapshot was taken, ms since the epoch. */
  labTime: number;
  routers: string[];
  files: SnapshotFile[];
  /** Hex SHA-256, computed by `snapshotChecksum`. */
  checksum: string;
}

/** Advice for an unusable file, for page users and API clients alike. */
export const GET_NEW_SNAPSHOT = 'Download a new snapshot from the lab page (/lab) or GET /api/lab/snapshot, or restore an unchanged copy.';

/** A snapshot that failed validation; `field` names the part of the file at fault. */
export class SnapshotError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SnapshotError';
  }
}

/**
 * SHA-256 over the header fields as JSON, then over each file in order as its path, its length in
 * bytes and its bytes, each path and length followed by a newline. The lengths keep two files from
 * hashing like one.
 */
export function snapshotChecksum(header: Pick<Snapshot, 'format' | 'version' | 'createdAt' | 'labTime' | 'routers'>, files: { path: string; data: Buffer }[]): string {
  const hash = createHash('sha256');
  hash.update(`${JSON.stringify([header.format, header.version, header.createdAt, header.labTime, header.routers])}\n`);
  for (const file of files) {
    hash.update(`${file.path}\n${file.data.length}\n`);
    hash.update(file.data);
  }
  return hash.digest('hex');
}

export function buildSnapshot(labTime: number, routers: string[], files: { path: string; data: Buffer }[], createdAt = new Date()): Snapshot {
  const header = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, createdAt: createdAt.toISOString(), labTime, routers } as const;
  return {
    ...header,
    files: files.map((file) => ({ path: file.path, content: file.data.toString('base64') })),
    checksum: snapshotChecksum(header, files),
  };
}

/**
 * Checks a parsed snapshot file and returns its files decoded. Throws SnapshotError naming the
 * field: format, version, createdAt, labTime, routers, files[i].path, files[i].content or checksum.
 */
export function readSnapshot(body: unknown): { snapshot: Snapshot; files: { path: string; data: Buffer }[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new SnapshotError('body', `This file is not a vigor-sim snapshot: a snapshot is a JSON object; got ${describeValue(body)}. ${GET_NEW_SNAPSHOT}`);
  }
  const value = body as Record<string, unknown>;
  if (value.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError('format', `This file is not a vigor-sim snapshot: "format" must be "${SNAPSHOT_FORMAT}"; got ${describeValue(value.format)}.`);
  }
  if (value.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError('version', `"version" must be ${SNAPSHOT_VERSION}, the snapshot version this lab reads; got ${describeValue(value.version)}.`);
  }
  if (typeof value.createdAt !== 'string' || Number.isNaN(Date.parse(value.createdAt))) {
    throw new SnapshotError('createdAt', `"createdAt" must be an ISO 8601 time; got ${describeValue(value.createdAt)}.`);
  }
  if (typeof value.labTime !== 'number' || !Number.isFinite(value.labTime)) {
    throw new SnapshotError('labTime', `"labTime" must be a lab time in ms since the epoch; got ${describeValue(value.labTime)}.`);
  }
  if (!Array.isArray(value.routers) || !value.routers.every((id) => typeof id === 'string')) {
    throw new SnapshotError('routers', `"routers" must be a list of router ids such as ["r1"]; got ${describeValue(value.routers)}.`);
  }
  if (!Array.isArray(value.files)) throw new SnapshotError('files', `"files" must be a list of {path, content}; got ${describeValue(value.files)}.`);
  if (typeof value.checksum !== 'string') throw new SnapshotError('checksum', `"checksum" must be a hex SHA-256; got ${describeValue(value.checksum)}.`);

  const seen = new Set<string>();
  const files = value.files.map((entry: unknown, index) => {
    const file = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
    const filePath = checkRelativePath(file.path, `files[${index}].path`);
    if (seen.has(filePath)) throw new SnapshotError(`files[${index}].path`, `The snapshot lists "${filePath}" twice.`);
    seen.add(filePath);
    if (typeof file.content !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(file.content) || file.content.length % 4 !== 0) {
      throw new SnapshotError(`files[${index}].content`, `The content of "${filePath}" must be base64; got ${describeValue(file.content)}.`);
    }
    return { path: filePath, data: Buffer.from(file.content, 'base64') };
  });

  const snapshot = value as unknown as Snapshot;
  const expected = snapshotChecksum(snapshot, files);
  if (value.checksum !== expected) {
    throw new SnapshotError('checksum', `The checksum does not match the content: the file was changed or damaged after it was downloaded. ${GET_NEW_SNAPSHOT}`);
  }
  return { snapshot, files };
}

/**
 * Accepts only a relative path that stays inside the data directory: `/` separators, no empty,
 * `.` or `..` segment, no leading `/` or drive letter, no backslash or NUL.
 */
function checkRelativePath(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new SnapshotError(field, `A file path must be a non-empty string; got ${describeValue(value)}.`);
  const segments = value.split('/');
  const invalid = value.includes('\\') || value.includes('\0') || path.isAbsolute(value) || /^[A-Za-z]:/.test(value) || segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (invalid) throw new SnapshotError(field, `The file path "${value}" is not a plain relative path inside the data directory (no "..", no leading "/", no backslash).`);
  return value;
}
