/**
 * Tokens of the mail profiles, on flash and encrypted with a key of this device: the access token,
 * the newest refresh token, the authorized account and the token status.
 */
import type { RouterHardware } from '../../../hal';
import { deriveKey, seal, unseal } from '../../crypto';

export const TOKENS_FILE = 'mail-tokens.json';

export interface ProfileTokens {
  /** Account the tokens were issued for, from the id_token (e-mail or UPN). */
  account: string;
  accessToken: string;
  /** Lab time (ms) the access token expires. */
  accessTokenExpiresAt: number;
  refreshToken: string;
  scope: string;
  /** Lab time (ms) of the authorization. */
  authorizedAt: number;
  /** Lab time (ms) of the last refresh. */
  refreshedAt?: number;
  /** Set when the provider rejected the refresh token: the profile must be authorized again. */
  reauthorizationRequired?: string;
}

type StoredTokens = Record<string, Omit<ProfileTokens, 'accessToken' | 'refreshToken'> & { sealedAccessToken: string; sealedRefreshToken: string }>;

export class TokenStore {
  private tokens = new Map<number, ProfileTokens>();

  constructor(private readonly hardware: RouterHardware) {}

  private key(): Buffer {
    return deriveKey(this.hardware.board.deviceKey, 'mail-tokens');
  }

  async load(): Promise<void> {
    this.tokens.clear();
    const stored = await this.hardware.flash.file<StoredTokens>(TOKENS_FILE).read();
    if (stored.status !== 'ok') return;
    for (const [index, entry] of Object.entries(stored.data)) {
      try {
        const { sealedAccessToken, sealedRefreshToken, ...rest } = entry;
        this.tokens.set(Number(index), { ...rest, accessToken: sealedAccessToken ? unseal(sealedAccessToken, this.key()) : '', refreshToken: sealedRefreshToken ? unseal(sealedRefreshToken, this.key()) : '' });
      } catch {
        // Tokens sealed by another device cannot be used; the profile shows "not authorized".
      }
    }
  }

  get(index: number): ProfileTokens | undefined {
    const tokens = this.tokens.get(index);
    return tokens ? { ...tokens } : undefined;
  }

  async set(index: number, tokens: ProfileTokens | undefined): Promise<void> {
    if (tokens) this.tokens.set(index, { ...tokens });
    else this.tokens.delete(index);
    await this.persist();
  }

  private async persist(): Promise<void> {
    const data: StoredTokens = {};
    for (const [index, { accessToken, refreshToken, ...rest }] of this.tokens) {
      data[index] = { ...rest, sealedAccessToken: accessToken ? seal(accessToken, this.key()) : '', sealedRefreshToken: refreshToken ? seal(refreshToken, this.key()) : '' };
    }
    await this.hardware.flash.file<StoredTokens>(TOKENS_FILE).write(data);
  }
}
