/**
 * The tenant every lab starts with, so a trainee can begin at step 3 at once. Its IDs are fixed so
 * that docs and CI scripts can name them; the passwords are lab passwords, printed in docs/identity.md.
 */
import type { NewTenant, NewUser } from './tenants';

export const SEED_TENANT: Required<Pick<NewTenant, 'id' | 'displayName' | 'domain' | 'smtpAuthEnabled'>> = {
  id: '4d8b6e2a-93f1-4c0e-b7a5-1e6f2c9d8a47',
  displayName: 'Contoso Lab',
  domain: 'contosolab.onmicrosoft.com',
  smtpAuthEnabled: true,
};

export const SEED_USERS: Required<Pick<NewUser, 'userPrincipalName' | 'displayName' | 'password' | 'globalAdmin'>>[] = [
  { userPrincipalName: 'admin@contosolab.onmicrosoft.com', displayName: 'Lab Administrator', password: 'Admin-Lab-2026!', globalAdmin: true },
  { userPrincipalName: 'alerts@contosolab.onmicrosoft.com', displayName: 'Router Alerts', password: 'Alerts-Lab-2026!', globalAdmin: false },
  { userPrincipalName: 'trainee@contosolab.onmicrosoft.com', displayName: 'Lab Trainee', password: 'Trainee-Lab-2026!', globalAdmin: false },
];
