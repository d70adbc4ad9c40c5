/** Saving a config section from a form: field errors come back keyed by the form's field names. */
import { ConfigValidationError, type Firmware } from '../../firmware';
import type { Session } from '../sessions';

/**
 * Stores a module's section and returns null, or returns the rejected fields keyed by their path
 * inside `prefix` (for `wan.WAN1.static.ip` and prefix `wan.WAN1` the key is `static.ip`).
 */
export async function saveSection(firmware: Firmware, module: string, value: unknown, session: Session, prefix = module): Promise<Record<string, string> | null> {
  try {
    await firmware.store.update({ [module]: value }, actorOf(session));
    return null;
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    return Object.fromEntries(error.fields.map((entry) => [entry.field.startsWith(`${prefix}.`) ? entry.field.slice(prefix.length + 1) : entry.field, entry.message]));
  }
}

export function actorOf(session: Session): string {
  return `${session.user} (web UI from ${session.sourceAddress})`;
}

/** Parses a whole number typed into a form; anything else is returned unchanged for the schema to reject. */
export function formNumber(text: string): number | string {
  return /^\s*-?\d+\s*$/.test(text) ? Number(text) : text;
}
