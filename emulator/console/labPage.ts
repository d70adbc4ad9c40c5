/**
 * The lab page (/lab): download a snapshot of the lab, restore one from a file, and reset the lab
 * to factory. /lab.js sends the requests of GET /api/lab/snapshot, POST /api/lab/restore and POST
 * /api/lab/reset and shows their progress and result.
 */
import type { Lab } from '../lab';
import { MAX_SNAPSHOT_BYTES } from '../snapshot';
import { html, type SafeHtml } from './html';
import { consolePage } from './shell';

export function renderLabPage(lab: Lab): string {
  const dataDir = lab.options.dataDir;
  const routerIds = lab.routers.map((router) => router.id).join(', ');
  return consolePage(lab, {
    title: 'Snapshots and reset',
    scripts: ['/lab.js'],
    intro: html`<p class="muted"><a href="/">Lab console</a>. A snapshot is one file with every router's flash, the identity providers, the DDNS providers and the mailboxes of this lab (${routerIds}). Restore it to bring a class back to a prepared state. The lab CA stays as it is, so browsers keep trusting it.</p>`,
    noscript: 'The buttons need JavaScript; use GET /api/lab/snapshot, POST /api/lab/restore and POST /api/lab/reset instead.',
    main: html`${dataDir ? renderSnapshotSections(dataDir) : renderEphemeralNote()}
<section id="lab-reset" aria-labelledby="lab-reset-heading">
<h2 id="lab-reset-heading">Reset to factory</h2>
<p>Every router goes back to factory defaults, the identity and DDNS providers to their seeded tenants, projects and accounts, and every mailbox is emptied. The lab clock, ISP lines and timeline stay.</p>
<div class="controls"><button type="button" id="lab-reset-button">Reset to factory...</button></div>
<p class="status" id="lab-reset-status" aria-live="polite"></p>
</section>`,
  });
}

function renderSnapshotSections(dataDir: string): SafeHtml {
  return html`<section id="lab-snapshot" aria-labelledby="lab-snapshot-heading">
<h2 id="lab-snapshot-heading">Download a snapshot</h2>
<p>The snapshot contains the files under <code>${dataDir}</code>, except the lock file and the lab CA. Secrets stay sealed as they are on disk.</p>
<div class="controls"><a class="button" href="/api/lab/snapshot" download>Download snapshot</a></div>
</section>
<section id="lab-restore" aria-labelledby="lab-restore-heading">
<h2 id="lab-restore-heading">Restore from a file</h2>
<p>Replaces the state of every router and service with the snapshot's, and sets the lab clock to the snapshot's time. The snapshot must come from a lab with the same routers, and may be up to ${MAX_SNAPSHOT_BYTES / (1024 * 1024)} MB.</p>
<form id="lab-restore-form" class="controls">
<label>Snapshot file <input type="file" id="lab-restore-file" name="snapshot" accept=".json,application/json" required></label>
<button type="submit">Restore</button>
</form>
<p class="status" id="lab-restore-status" aria-live="polite"></p>
</section>`;
}

function renderEphemeralNote(): SafeHtml {
  return html`<section id="lab-snapshot" aria-labelledby="lab-snapshot-heading">
<h2 id="lab-snapshot-heading">Snapshots</h2>
<p class="banner">This lab keeps no files (it runs with --ephemeral), so it has nothing to snapshot or restore. Start it with --data DIR to take snapshots.</p>
</section>`;
}
