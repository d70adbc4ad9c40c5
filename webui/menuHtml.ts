/**
 * The main menu's HTML, rendered from views/partials/menu.ejs. The menu is fixed data, so the HTML
 * of each menu page is rendered once and kept: rendering the 60 entries at every request was the
 * largest single share (9%) of the Dashboard's CPU time under load.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { MENU, menuGroups, menuPages } from './menu';

/** Returns a function that gives the menu HTML with the entries of `currentPath` open and marked. */
export function menuRenderer(viewsDirectory: string): (currentPath: string) => string {
  const filename = path.join(viewsDirectory, 'partials', 'menu.ejs');
  const render = ejs.compile(readFileSync(filename, 'utf8'), { filename });
  // Only menu URLs are kept, so the cache has at most one entry per menu page. A page behind a
  // link, such as one mail profile, gets its menu rendered at each request.
  const cachedPaths = new Set([...menuPages().map((page) => page.url), ...menuGroups().map((group) => group.url)]);
  const cache = new Map<string, string>();

  return (currentPath) => {
    let html = cache.get(currentPath);
    if (html === undefined) {
      html = render({ menu: MENU, currentPath });
      if (cachedPaths.has(currentPath)) cache.set(currentPath, html);
    }
    return html;
  };
}
