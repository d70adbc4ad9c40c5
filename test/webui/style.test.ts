/**
 * Colours of the menu links as webui.css gives them. The rules are resolved with the CSS cascade
 * (specificity, then source order) for the selector forms webui.css uses: descendant combinators
 * and compounds of a tag, classes and pseudo-classes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface CssRule {
  selector: string;
  declarations: Record<string, string>;
  order: number;
}

interface ElementState {
  tag: string;
  classes?: string[];
  /** Pseudo-classes that apply, e.g. `hover`. */
  states?: string[];
}

const RULES = parseRules(readFileSync(path.join(__dirname, '../../webui/static/webui.css'), 'utf8'));
/** Ancestors of a sub-page link in the menu, as partials/header.ejs renders them. */
const MENU_ANCESTORS: ElementState[] = [{ tag: 'nav', classes: ['menu'] }, { tag: 'ul' }, { tag: 'li' }, { tag: 'details' }, { tag: 'ul' }, { tag: 'li' }];

function parseRules(css: string): CssRule[] {
  const withoutComments = css.replace(/\/\*[^]*?\*\//g, '');
  // @keyframes blocks nest braces and hold no selectors, so they are dropped.
  const flat = withoutComments.replace(/@keyframes[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}/g, '');
  const rules: CssRule[] = [];
  for (const [, selectors = '', body = ''] of flat.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const declarations: Record<string, string> = {};
    for (const declaration of body.split(';')) {
      const colon = declaration.indexOf(':');
      if (colon > 0) declarations[declaration.slice(0, colon).trim()] = declaration.slice(colon + 1).trim();
    }
    for (const selector of selectors.split(',')) rules.push({ selector: selector.trim(), declarations, order: rules.length });
  }
  return rules;
}

function parseCompound(compound: string): { tag: string; classes: string[]; pseudos: string[] } {
  const tag = /^[a-z*]+/i.exec(compound)?.[0] ?? '*';
  const classes = [...compound.matchAll(/\.([\w-]+)/g)].map((match) => match[1]!);
  const pseudos = [...compound.matchAll(/:([\w-]+)/g)].map((match) => match[1]!);
  return { tag, classes, pseudos };
}

function compoundMatches(compound: string, element: ElementState): boolean {
  const { tag, classes, pseudos } = parseCompound(compound);
  return (
    (tag === '*' || tag === element.tag) &&
    classes.every((name) => element.classes?.includes(name)) &&
    pseudos.every((name) => element.states?.includes(name))
  );
}

/** Checks whether `selector` matches the last element of `path`, the others being its ancestors. */
function selectorMatches(selector: string, path: ElementState[]): boolean {
  const compounds = selector.split(/\s+/);
  if (!compoundMatches(compounds.pop()!, path[path.length - 1]!)) return false;
  let ancestor = path.length - 2;
  for (const compound of compounds.reverse()) {
    while (ancestor >= 0 && !compoundMatches(compound, path[ancestor]!)) ancestor -= 1;
    if (ancestor < 0) return false;
    ancestor -= 1;
  }
  return true;
}

function specificity(selector: string): number {
  const classes = (selector.match(/[.:][\w-]+/g) ?? []).length;
  const tags = selector.split(/\s+/).filter((compound) => /^[a-z]/i.test(compound)).length;
  return classes * 100 + tags;
}

/** Returns the value the cascade gives `property` on the last element of `path`, ignoring inheritance. */
function computed(property: string, path: ElementState[]): string | undefined {
  const matching = RULES.filter((rule) => property in rule.declarations && selectorMatches(rule.selector, path));
  matching.sort((a, b) => specificity(a.selector) - specificity(b.selector) || a.order - b.order);
  return matching.at(-1)?.declarations[property];
}

function contrastRatio(first: string, second: string): number {
  const luminance = (hex: string): number => {
    const digits = hex.length === 4 ? [...hex.slice(1)].map((digit) => digit + digit).join('') : hex.slice(1);
    const [red, green, blue] = [0, 2, 4].map((start) => {
      const channel = parseInt(digits.slice(start, start + 2), 16) / 255;
      return channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * red! + 0.7152 * green! + 0.0722 * blue!;
  };
  const [lighter, darker] = [luminance(first), luminance(second)].sort((a, b) => b - a);
  return (lighter! + 0.05) / (darker! + 0.05);
}

describe('menu link colours', () => {
  const cases: { name: string; link: ElementState }[] = [
    { name: 'current emulated page', link: { tag: 'a', classes: ['current'] } },
    { name: 'current not-emulated page', link: { tag: 'a', classes: ['current', 'not-emulated'] } },
    { name: 'hovered current not-emulated page', link: { tag: 'a', classes: ['current', 'not-emulated'], states: ['hover'] } },
  ];

  test.each(cases)('$name is white on navy', ({ link }) => {
    const path = [...MENU_ANCESTORS, link];

    expect(computed('color', path)).toBe('#fff');
    expect(computed('background', path)).toBe('#173d6e');
  });

  test('current page text meets WCAG AA contrast', () => {
    const path = [...MENU_ANCESTORS, { tag: 'a', classes: ['current', 'not-emulated'] }];

    expect(contrastRatio(computed('color', path)!, computed('background', path)!)).toBeGreaterThanOrEqual(4.5);
  });
});
