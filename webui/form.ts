/** Reading form posts: every value must be a single string; anything else is a named field error. */
import type { FieldError } from '../firmware';

export class FormError extends Error {
  constructor(readonly fields: FieldError[]) {
    super(fields.map((entry) => `${entry.field} ${entry.message}`).join('; '));
  }
}

export function formString(body: unknown, field: string, options: { required?: boolean; maxLength?: number } = {}): string {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (value === undefined || value === '') {
    if (options.required) throw new FormError([{ field, message: 'is missing' }]);
    return '';
  }
  if (typeof value !== 'string') throw new FormError([{ field, message: 'must be sent once, as text' }]);
  if (options.maxLength !== undefined && value.length > options.maxLength) throw new FormError([{ field, message: `must be at most ${options.maxLength} characters` }]);
  return value;
}

/** An HTML checkbox: present (any of on, 1, true) means ticked. */
export function formCheckbox(body: unknown, field: string): boolean {
  const value = (body as Record<string, unknown> | undefined)?.[field];
  if (value === undefined) return false;
  if (typeof value !== 'string') throw new FormError([{ field, message: 'must be sent once, as text' }]);
  return ['on', '1', 'true', 'yes'].includes(value.toLowerCase());
}

export function formChoice<T extends string>(body: unknown, field: string, choices: readonly T[]): T {
  const value = formString(body, field, { required: true });
  if (!(choices as readonly string[]).includes(value)) throw new FormError([{ field, message: `must be one of ${choices.join(', ')}` }]);
  return value as T;
}
