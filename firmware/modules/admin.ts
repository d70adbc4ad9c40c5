/** System Maintenance >> Administrator Password: the `admin` account of the web UI. */
import { hashPassword, verifyPassword } from '../crypto';
import { FirmwareError } from '../errors';
import type { FirmwareModule, ModuleContext } from '../config/module';

export interface AdminConfig {
  username: string;
  passwordHash: string;
  allowInternetLogin: boolean;
}

export const FACTORY_ADMIN_USERNAME = 'admin';
export const FACTORY_ADMIN_PASSWORD = 'admin';
/** Vigor routers accept administrator passwords of up to 23 characters. */
export const ADMIN_PASSWORD_MAX_LENGTH = 23;
/** scrypt hash of the factory password `admin`, computed once so that booting needs no hashing. */
const FACTORY_ADMIN_PASSWORD_HASH = 'scrypt$16384$NMd8qdBfJCdbWBXd4FlrWQ==$06AeJZXoAtuJWGWETg9B0Ty96T6IWGH+9oS89GWJXLY=';

export class AdminModule implements FirmwareModule<AdminConfig> {
  readonly name = 'admin';
  readonly title = 'Administrator Password';
  readonly schema = {
    type: 'object',
    properties: {
      username: { type: 'string', title: 'Administrator user name', minLength: 1, maxLength: 23 },
      passwordHash: { type: 'string', title: 'Administrator password hash', minLength: 1, secret: true },
      allowInternetLogin: { type: 'boolean', title: "Enable 'admin' account login to Web UI from the Internet" },
    },
    required: ['username', 'passwordHash', 'allowInternetLogin'],
    additionalProperties: false,
  };
  private context!: ModuleContext;
  /** Whether a given stored hash is of the factory password, so the check runs once per hash. */
  private readonly defaultPasswordByHash = new Map<string, boolean>([[FACTORY_ADMIN_PASSWORD_HASH, true]]);

  factoryDefaults(): AdminConfig {
    return { username: FACTORY_ADMIN_USERNAME, passwordHash: FACTORY_ADMIN_PASSWORD_HASH, allowInternetLogin: true };
  }

  start(context: ModuleContext): void {
    this.context = context;
  }

  private config(): AdminConfig {
    return this.context.store.get<AdminConfig>(this.name);
  }

  async checkLogin(username: string, password: string): Promise<boolean> {
    const config = this.config();
    const passwordMatches = await verifyPassword(password, config.passwordHash);
    return username === config.username && passwordMatches;
  }

  async usesDefaultPassword(): Promise<boolean> {
    const { passwordHash } = this.context.store.read<AdminConfig>(this.name);
    let known = this.defaultPasswordByHash.get(passwordHash);
    if (known === undefined) {
      known = await verifyPassword(FACTORY_ADMIN_PASSWORD, passwordHash);
      this.defaultPasswordByHash.set(passwordHash, known);
    }
    return known;
  }

  allowsInternetLogin(): boolean {
    return this.config().allowInternetLogin;
  }

  /** Changes the password after checking the old one; `fields` in the error name the form fields. */
  async changePassword(request: { oldPassword: string; newPassword: string; confirmPassword: string; allowInternetLogin: boolean }, actor: string): Promise<void> {
    const fields = [];
    if (!(await verifyPassword(request.oldPassword, this.config().passwordHash))) {
      fields.push({ field: 'oldPassword', message: 'is not the current password' });
    }
    if (request.newPassword.length === 0) fields.push({ field: 'newPassword', message: 'must not be empty' });
    if (request.newPassword.length > ADMIN_PASSWORD_MAX_LENGTH) {
      fields.push({ field: 'newPassword', message: `must be at most ${ADMIN_PASSWORD_MAX_LENGTH} characters` });
    }
    if (request.newPassword !== request.confirmPassword) fields.push({ field: 'confirmPassword', message: 'does not match the new password' });
    if (fields.length > 0) throw new FirmwareError('VALIDATION_FAILED', 'The password was not changed', fields);

    const passwordHash = await hashPassword(request.newPassword);
    await this.context.store.update({ admin: { ...this.config(), passwordHash, allowInternetLogin: request.allowInternetLogin } }, actor);
    this.context.syslog.notice('User', `Administrator password changed by ${actor}`);
  }
}
