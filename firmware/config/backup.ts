/**
 * System Maintenance >> Configuration Backup. A backup is a JSON file with the whole config, its
 * secrets sealed with a backup key of this device and an HMAC over the content, so a backup shows
 * no secret in clear, a changed byte is detected, and a file from another router is recognised.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BoardIdentity } from '../../hal';
import { deriveKey, seal, SEALED_PREFIX, unseal } from '../crypto';
import { FirmwareError, formatFieldError } from '../errors';
import { mapSecrets } from './schema';
import type { ConfigDocument, ConfigStore } from './store';

export const BACKUP_FORMAT = 'vigor-sim-config-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupFile {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  /** Lab time the backup was made. */
  createdAt: string;
  config: ConfigDocument;
  /** HMAC-SHA256 (hex) over the fields above, keyed from this device's key. */
  signature: string;
}

export function createBackup(store: ConfigStore, board: BoardIdentity, firmwareVersion: string, now: Date): BackupFile {
  const secretsKey = deriveKey(board.deviceKey, 'backup-secrets');
  const config = mapSecrets(store.schema, store.document(), (secret) => (secret === '' ? '' : seal(secret, secretsKey)));
  const unsigned = {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    model: board.model,
    firmwareVersion,
    serialNumber: board.serialNumber,
    createdAt: now.toISOString(),
    config,
  } as const;
  return { ...unsigned, signature: sign(unsigned, board) };
}

/** Checks a backup file's text and returns the config it holds; throws FirmwareError saying why not. */
export function readBackup(text: string, store: ConfigStore, board: BoardIdentity): ConfigDocument {
  let parsed: Partial<BackupFile>;
  try {
    parsed = JSON.parse(text) as Partial<BackupFile>;
  } catch {
    throw new FirmwareError('BACKUP_INVALID', 'The file is not a configuration backup: it is not valid JSON. Choose a file made by Configuration Backup.');
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.format !== BACKUP_FORMAT) {
    throw new FirmwareError('BACKUP_INVALID', `The file is not a configuration backup of this router type (format must be "${BACKUP_FORMAT}").`);
  }
  if (parsed.formatVersion !== BACKUP_FORMAT_VERSION) {
    throw new FirmwareError('BACKUP_INVALID', `Backup format version ${String(parsed.formatVersion)} is not supported; this firmware reads version ${BACKUP_FORMAT_VERSION}.`);
  }
  if (parsed.model !== board.model) {
    throw new FirmwareError('BACKUP_INVALID', `The backup was made on a ${String(parsed.model)}; this router is a ${board.model}.`);
  }
  if (parsed.serialNumber !== board.serialNumber) {
    throw new FirmwareError(
      'BACKUP_OTHER_DEVICE',
      `The backup was made on another router (serial number ${String(parsed.serialNumber)}); this router is ${board.serialNumber}. Its encrypted settings can only be restored there.`,
    );
  }

  const { signature, ...unsigned } = parsed as BackupFile;
  const expected = Buffer.from(sign(unsigned, board), 'hex');
  const actual = Buffer.from(typeof signature === 'string' ? signature : '', 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new FirmwareError('BACKUP_TAMPERED', 'The backup file was changed after it was made (signature check failed). Use an unmodified backup file.');
  }

  const secretsKey = deriveKey(board.deviceKey, 'backup-secrets');
  let config: ConfigDocument;
  try {
    config = mapSecrets(store.schema, unsigned.config, (value) => (value.startsWith(SEALED_PREFIX) ? unseal(value, secretsKey) : value));
  } catch {
    throw new FirmwareError('BACKUP_TAMPERED', 'An encrypted setting in the backup cannot be decrypted. Use an unmodified backup file.');
  }

  const errors = store.validate(config);
  if (errors.length > 0) {
    throw new FirmwareError('BACKUP_INVALID', `The backup holds settings this firmware does not accept: ${errors.map(formatFieldError).join('; ')}`, errors);
  }
  return config;
}

function sign(content: Omit<BackupFile, 'signature'>, board: BoardIdentity): string {
  const key = deriveKey(board.deviceKey, 'backup-signature');
  const canonical = JSON.stringify([content.format, content.formatVersion, content.model, content.firmwareVersion, content.serialNumber, content.createdAt, content.config]);
  return createHmac('sha256', key).update(canonical).digest('hex');
}
