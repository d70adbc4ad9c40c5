/** Diagnostics >> Syslog Explorer: the router's syslog with filters and a text export. */
import type { Request } from 'express';
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../../firmware';
import type { PageView } from '.';

interface SyslogFilter {
  category?: Category;
  severity?: Severity;
}

export const syslogPage: PageView = {
  get(request, response, { firmware, page }) {
    const filter = syslogFilterOf(request);
    const entries = firmware.syslog.query({ ...filter, limit: 500 }).reverse();
    response.render('syslog', { title: page.title, page, entries, categories: CATEGORIES, severities: SEVERITIES, ...filter });
  },

  extra: {
    // The Export button submits the filter form here, so the file contains the entries of the chosen filter.
    export(request, response, { firmware }) {
      const name = firmware.management.routerName();
      response.attachment(`${name}_syslog.txt`).type('text/plain').send(firmware.syslog.exportText(name, syslogFilterOf(request)));
    },
  },
};

/** Reads the category and severity filter from the query string; an unknown value means no filter. */
function syslogFilterOf(request: Request): SyslogFilter {
  const category = CATEGORIES.includes(request.query.category as Category) ? (request.query.category as Category) : undefined;
  const severity = SEVERITIES.includes(request.query.severity as Severity) ? (request.query.severity as Severity) : undefined;
  return { category, severity };
}

