/** The cached main menu HTML: the current page, the open group and the pages it lists. */
import path from 'node:path';
import { menuPages } from '../../webui/menu';
import { menuRenderer } from '../../webui/menuHtml';

const viewsDirectory = path.join(__dirname, '../../webui/views');

describe('menuRenderer', () => {
  test('marks dashboard as current', () => {
    const html = menuRenderer(viewsDirectory)('/dashboard');
    expect(html).toMatch(/<a href="\/dashboard" class="top current"/);
    expect(html.match(/current/g)).toHaveLength(1);
  });

  test('lists every menu page', () => {
    const html = menuRenderer(viewsDirectory)('/dashboard');
    for (const page of menuPages()) expect(html).toContain(`href="${page.url}"`);
  });

  test('opens group of a sub-page', () => {
    const page = menuPages().find((entry) => entry.breadcrumb.includes('>>'))!;
    const html = menuRenderer(viewsDirectory)(page.url);
    expect(html).toContain(`<a href="${page.url}" class="current`);
    expect(html).toContain('<details open>');
  });

  test('same page returns same HTML', () => {
    const render = menuRenderer(viewsDirectory);
    expect(render('/dashboard')).toBe(render('/dashboard'));
  });

  test('page behind a link opens its group', () => {
    const page = menuPages().find((entry) => entry.breadcrumb.includes('>>'))!;
    const group = `/${page.path.split('/')[0]}`;
    const html = menuRenderer(viewsDirectory)(`${group}/behind-a-link/1`);
    expect(html).toContain('<details open>');
    expect(html).not.toMatch(/class="[^"]*current/);
  });
});
