/**
 * The Google accounts and Cloud project every lab starts with. The project's app is in Testing
 * with the alerts account as a test user, and the trainee account is not one, so both outcomes
 * of the tester check can be tried. Passwords are lab passwords, printed in docs/identity.md.
 */
import type { NewAccount } from './accounts';
import type { NewProject } from './projects';

export const SEED_ACCOUNTS: NewAccount[] = [
  { email: 'lab.owner@gmail.com', displayName: 'Lab Owner', password: 'Owner-Lab-2026!' },
  { email: 'lab.alerts@gmail.com', displayName: 'Router Alerts', password: 'Alerts-Lab-2026!' },
  { email: 'lab.trainee@gmail.com', displayName: 'Lab Trainee', password: 'Trainee-Lab-2026!' },
];

export const SEED_PROJECT: Required<NewProject> & { testUsers: string[] } = {
  id: 'vigor-mail-lab',
  name: 'Vigor Mail Lab',
  owner: 'lab.owner@gmail.com',
  appName: 'Vigor Mail Alerts',
  testUsers: ['lab.owner@gmail.com', 'lab.alerts@gmail.com'],
};
