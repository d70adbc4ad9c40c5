/** The firmware's error type: a stable code, a message that says what to do, and field details. */

export interface FieldError {
  /** Dotted path of the field, e.g. `wan.WAN1.staticIp`. */
  field: string;
  message: string;
}

export type FirmwareErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'WRONG_PASSWORD'
  | 'BACKUP_INVALID'
  | 'BACKUP_TAMPERED'
  | 'BACKUP_OTHER_DEVICE'
  | 'BUSY';

export class FirmwareError extends Error {
  constructor(
    readonly code: FirmwareErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
    this.name = 'FirmwareError';
  }
}

export class ConfigValidationError extends FirmwareError {
  constructor(fields: FieldError[], summary = 'The settings were not saved') {
    super('VALIDATION_FAILED', `${summary}: ${fields.map((entry) => `${entry.field} ${entry.message}`).join('; ')}`, fields);
    this.name = 'ConfigValidationError';
  }
}
