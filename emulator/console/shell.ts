/**
 * The frame every lab console page shares: head with the console stylesheet and scripts, the
 * heading with the lab-time line and an introduction, optional banners, then the page's content.
 * /live.js, which keeps the lab time current, comes last on every page.
 */
import type { Lab } from '../lab';
import { html, type SafeHtml } from './html';
import { renderLabTime } from './labTime';

export interface ConsolePageParts {
  /** Heading of the page; the document title adds " - vigor-sim lab console" unless `documentTitle` is given. */
  title: string;
  documentTitle?: string;
  /** Stylesheets after /console.css. */
  stylesheets?: string[];
  /** Scripts before /live.js. */
  scripts?: string[];
  /** Paragraph under the lab time. */
  intro: SafeHtml;
  /** The hidden banner that the page's script fills when a lab API request fails. */
  errorBanner?: boolean;
  /** Note shown when JavaScript is off. */
  noscript?: string;
  main: SafeHtml;
}

/** Renders a whole console page from its parts. */
export function consolePage(lab: Lab, parts: ConsolePageParts): string {
  const documentTitle = parts.documentTitle ?? `${parts.title} - vigor-sim lab console`;
  const scripts = [...(parts.scripts ?? []), '/live.js'];
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${documentTitle}</title>
<link rel="stylesheet" href="/console.css">
${(parts.stylesheets ?? []).map((href) => html`<link rel="stylesheet" href="${href}">\n`)}${scripts.map((src) => html`<script src="${src}" defer></script>\n`)}</head>
<body>
<header>
<h1>${parts.title}</h1>
${renderLabTime(lab)}
${parts.intro}
</header>
${parts.errorBanner ? ERROR_BANNER : ''}${parts.noscript ? html`<noscript><p class="banner">${parts.noscript}</p></noscript>\n` : ''}<main>
${parts.main}
</main>
</body>
</html>
`.markup;
}

const ERROR_BANNER = html`<div id="error-banner" class="banner banner-error" role="alert" hidden>
<span id="error-text"></span>
<button type="button" id="error-dismiss">Dismiss</button>
</div>
`;
