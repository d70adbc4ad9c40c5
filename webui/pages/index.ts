/** Registry of the emulated pages, keyed by the `view` name used in menu.json. */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { Firmware } from '../../firmware';
import type { MenuPage } from '../menu';
import type { SessionStore } from '../sessions';
import { adminPasswordPage } from './adminPassword';
import { configBackupPage } from './configBackup';
import { dashboardPage } from './dashboard';
import { dynamicDnsPage } from './dynamicDns';
import { internetAccessPage } from './internetAccess';
import { ipObjectPage } from './ipObject';
import { mailAlertPage } from './mailAlert';
import { mailServiceObjectPage } from './mailServiceObject';
import { notificationObjectPage } from './notificationObject';
import { managementPage } from './management';
import { physicalConnectionPage } from './physicalConnection';
import { rebootPage } from './reboot';
import { syslogPage } from './syslog';
import { systemStatusPage } from './systemStatus';

export interface PageContext {
  firmware: Firmware;
  sessions: SessionStore;
  logger: Logger;
  /** The menu page being served; absent for routes outside the menu (login). */
  page?: MenuPage;
}

export type PageHandler = (request: Request, response: Response, context: PageContext & { page: MenuPage }) => void | Promise<void>;

export interface PageView {
  get: PageHandler;
  post?: PageHandler;
  /** Middleware that parses the body before the CSRF check (file uploads). */
  upload?: RequestHandler;
  /** Further GET routes below the page URL, e.g. a download. */
  extra?: Record<string, PageHandler>;
}

export const PAGES: Record<string, PageView> = {
  dashboard: dashboardPage,
  physicalConnection: physicalConnectionPage,
  systemStatus: systemStatusPage,
  adminPassword: adminPasswordPage,
  configBackup: configBackupPage,
  reboot: rebootPage,
  syslog: syslogPage,
  internetAccess: internetAccessPage,
  management: managementPage,
  ipObject: ipObjectPage,
  dynamicDns: dynamicDnsPage,
  mailServiceObject: mailServiceObjectPage,
  notificationObject: notificationObjectPage,
  mailAlert: mailAlertPage,
};
