/**
 * What a real router keeps in its factory EEPROM: model, serial number, MAC address and a device
 * key. It is created on the first boot and survives factory resets.
 */
import { randomBytes } from 'node:crypto';
import type { Flash } from './flash';

export interface BoardIdentity {
  model: string;
  serialNumber: string;
  /** MAC address of LAN1; WAN ports use the following addresses. */
  baseMac: string;
  /** 32 random bytes, hex; the firmware derives its encryption keys from it. */
  deviceKey: string;
  manufacturedAt: string;
}

export const BOARD_FILE = 'board.json';

export async function loadBoardIdentity(flash: Flash, model: string, now: Date): Promise<BoardIdentity> {
  const file = flash.file<BoardIdentity>(BOARD_FILE);
  const stored = await file.read();
  if (stored.status === 'ok' && isBoardIdentity(stored.data)) return stored.data;

  const identity = createBoardIdentity(model, now);
  await file.write(identity);
  return identity;
}

export function createBoardIdentity(model: string, now: Date): BoardIdentity {
  const random = randomBytes(3).toString('hex').toUpperCase();
  // 00:1D:AA is DrayTek's registered OUI prefix.
  const macTail = randomBytes(3).toString('hex').match(/../g)!.join(':').toUpperCase();
  return {
    model,
    serialNumber: `${now.getUTCFullYear() % 100}${String(now.getUTCMonth() + 1).padStart(2, '0')}${random}`,
    baseMac: `00:1D:AA:${macTail}`,
    deviceKey: randomBytes(32).toString('hex'),
    manufacturedAt: now.toISOString(),
  };
}

function isBoardIdentity(value: unknown): value is BoardIdentity {
  const candidate = value as Partial<BoardIdentity> | null;
  return (
    typeof candidate?.model === 'string' &&
    typeof candidate.serialNumber === 'string' &&
    typeof candidate.baseMac === 'string' &&
    typeof candidate.deviceKey === 'string' &&
    /^[0-9a-f]{64}$/.test(candidate.deviceKey)
  );
}
