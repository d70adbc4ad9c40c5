/**
 * The emulated Internet's service hosts: each real host name, its lab address, and the ports it
 * serves. A service that a later version emulates is listed with `emulated: false`, so its name
 * resolves and a connection to it is refused with a message that says so.
 */

export interface ServicePort {
  port: number;
  /** `https` and `smtps` are TLS from the first byte; `smtp` may upgrade with STARTTLS. */
  protocol: 'http' | 'https' | 'smtp' | 'smtps';
}

export interface ServiceHost {
  name: string;
  address: string;
  description: string;
  ports: ServicePort[];
  emulated: boolean;
}

export const SERVICE_HOSTS: ServiceHost[] = [
  { name: 'login.microsoftonline.com', address: '192.0.2.10', description: 'Microsoft identity platform (Entra ID sign-in and tokens)', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'entra.microsoft.com', address: '192.0.2.11', description: 'Microsoft Entra admin center', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'smtp.office365.com', address: '192.0.2.12', description: 'Exchange Online SMTP submission', ports: [{ port: 587, protocol: 'smtp' }], emulated: true },
  { name: 'outlook.office365.com', address: '192.0.2.13', description: 'Exchange Online webmail', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'accounts.google.com', address: '192.0.2.20', description: 'Google sign-in and consent', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'oauth2.googleapis.com', address: '192.0.2.21', description: 'Google OAuth 2.0 token endpoint', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'smtp.gmail.com', address: '192.0.2.22', description: 'Gmail SMTP submission', ports: [{ port: 587, protocol: 'smtp' }, { port: 465, protocol: 'smtps' }], emulated: true },
  { name: 'mail.google.com', address: '192.0.2.23', description: 'Gmail webmail', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'console.cloud.google.com', address: '192.0.2.24', description: 'Google Cloud console (OAuth clients)', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'drayddns.com', address: '192.0.2.30', description: 'DrayDDNS provider (dyndns2 updates, router certificates)', ports: [{ port: 80, protocol: 'http' }, { port: 443, protocol: 'https' }], emulated: true },
  { name: 'oauth2.drayddns.com', address: '192.0.2.31', description: 'DrayDDNS OAuth relay page', ports: [{ port: 443, protocol: 'https' }], emulated: true },
  { name: 'members.dyndns.org', address: '192.0.2.40', description: 'Generic dyndns2 provider (Dyn)', ports: [{ port: 80, protocol: 'http' }, { port: 443, protocol: 'https' }], emulated: true },
  { name: 'checkip.dyndns.org', address: '192.0.2.41', description: 'What is my IP address: replies with the caller\'s public address', ports: [{ port: 80, protocol: 'http' }, { port: 443, protocol: 'https' }], emulated: true },
];

export function serviceHostByName(name: string): ServiceHost | undefined {
  const key = name.toLowerCase();
  return SERVICE_HOSTS.find((host) => host.name === key);
}

export function serviceHostByAddress(address: string): ServiceHost | undefined {
  return SERVICE_HOSTS.find((host) => host.address === address);
}
