/** The firmware's error type: a stable code, a message that says what to do, and field details. */

export interface FieldError {
  /** Dotted path of the field, e.g. `wan.WAN1.staticIp`. */
  field: string;
  message: string;
  /** The field's title from its schema, e.g. `Router Name`, when it has one. */
  title?: string;
}

/** One line per field error: `management.routerName must not be empty (Router Name)`. */
export function formatFieldError(entry: FieldError): string {
  return `${entry.field} ${entry.message}${entry.title ? ` (${entry.title})` : ''}`;
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
    super('VALIDATION_FAILED', `${summary}: ${fields.map(formatFieldError).join('; ')}`, fields);
    this.name = 'ConfigValidationError';
  }
}
