/**
 * The error of the identity directories' administration (tenants, users, apps, Google projects).
 * The lab API turns it into its JSON error and the admin consoles show its message on the page,
 * so the message names the field and what to send instead.
 */

export type DirectoryErrorKind = 'invalid' | 'not-found' | 'conflict';

export class DirectoryError extends Error {
  constructor(
    readonly kind: DirectoryErrorKind,
    message: string,
    /** The input field or path parameter the error is about. */
    readonly field?: string,
    readonly validValues?: string[],
  ) {
    super(message);
    this.name = 'DirectoryError';
  }
}

export function invalidInput(field: string, message: string, validValues?: string[]): DirectoryError {
  return new DirectoryError('invalid', message, field, validValues);
}

export function notFound(field: string, message: string, validValues?: string[]): DirectoryError {
  return new DirectoryError('not-found', message, field, validValues);
}

export function conflict(field: string, message: string): DirectoryError {
  return new DirectoryError('conflict', message, field);
}
