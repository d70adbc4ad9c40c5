/** Diagnostics >> Syslog Explorer: the router's syslog with filters and a text export. */
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../../firmware';
import type { PageView } from '.';

export const syslogPage: PageView = {
  get(request, response, { firmware, page }) {
    const category = CATEGORIES.includes(request.query.category as Category) ? (request.query.category as Category) : undefined;
    const severity = SEVERITIES.includes(request.query.severity as Severity) ? (request.query.severity as Severity) : undefined;
    const entries = firmware.syslog.query({ category, severity, limit: 500 }).reverse();
    response.render('syslog', { title: page.title, page, entries, categories: CATEGORIES, severities: SEVERITIES, category, severity });
  },

  extra: {
    export(_request, response, { firmware }) {
      const name = firmware.management.routerName();
      response.attachment(`${name}_syslog.txt`).type('text/plain').send(firmware.syslog.exportText(name));
    },
  },
};
