/**
 * The menu tree, read from menu.json (the data a LuCI menu.d file would hold): path, title, order
 * and the view that renders the page. An entry without a view is a page the lab does not emulate
 * yet; it is listed and renders an honest "not emulated" page.
 */
import menuData from './menu.json';

export interface MenuEntry {
  path: string;
  title: string;
  order: number;
  view?: string;
  children?: MenuEntry[];
}

export interface MenuPage extends MenuEntry {
  /** URL of the page: `/` followed by the path. */
  url: string;
  /** Breadcrumb as the Vigor UI shows it: `System Maintenance >> Reboot System`. */
  breadcrumb: string;
}

export const MENU: MenuEntry[] = sortEntries(menuData as MenuEntry[]);

function sortEntries(entries: MenuEntry[]): MenuEntry[] {
  return [...entries].sort((a, b) => a.order - b.order).map((entry) => (entry.children ? { ...entry, children: sortEntries(entry.children) } : entry));
}

/** Every page reachable from the menu: top-level entries without children and every sub-page. */
export function menuPages(entries: MenuEntry[] = MENU): MenuPage[] {
  const pages: MenuPage[] = [];
  for (const entry of entries) {
    if (!entry.children?.length) pages.push({ ...entry, url: `/${entry.path}`, breadcrumb: entry.title });
    for (const child of entry.children ?? []) pages.push({ ...child, url: `/${child.path}`, breadcrumb: `${entry.title} >> ${child.title}` });
  }
  return pages;
}

/** Top-level entries with sub-pages, which open their first sub-page. */
export function menuGroups(entries: MenuEntry[] = MENU): { url: string; firstPage: string }[] {
  return entries.filter((entry) => entry.children?.length).map((entry) => ({ url: `/${entry.path}`, firstPage: `/${entry.children![0]!.path}` }));
}
