/**
 * The POST forms of a router page as a browser reads them: every field with the values it submits
 * unchanged. The scenario runner and the TypeScript API fill these forms by field name.
 *
 * NOTE: htmlparser2 and domutils come with mailparser (a dependency of the lab), not as declared
 * dependencies. test/helpers/htmlForms.ts reads forms the same way for the form tests.
 */
import type { Element } from 'domhandler';
import { getAttributeValue, getElementsByTagName, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';

export type FieldKind = 'text' | 'hidden' | 'password' | 'checkbox' | 'radio' | 'select' | 'textarea' | 'file';

export interface FormField {
  name: string;
  kind: FieldKind;
  /** Values sent when the form is submitted unchanged (none for an unticked checkbox). */
  values: string[];
  /** Values a person could pick: the options of a select, the values of a radio group or checkbox. */
  choices: string[];
}

export interface HtmlForm {
  action: string;
  fields: FormField[];
}

/** Returns the POST forms of a page, in document order. */
export function postForms(html: string): HtmlForm[] {
  const document = parseDocument(html);
  return getElementsByTagName('form', document.children, true)
    .filter((form) => (getAttributeValue(form, 'method') ?? 'get').toLowerCase() === 'post')
    .map((form) => ({ action: getAttributeValue(form, 'action') ?? '', fields: fieldsOf(form) }));
}

/** Returns the visible text of a page with runs of white space collapsed. */
export function pageText(html: string): string {
  return textContent(parseDocument(html).children).replace(/\s+/g, ' ').trim();
}

/** Returns the texts of the field-error marks (`<span class="field-error">`) of a page. */
export function fieldErrorTexts(html: string): string[] {
  return getElementsByTagName('span', parseDocument(html).children, true)
    .filter((span) => (getAttributeValue(span, 'class') ?? '').split(/\s+/).includes('field-error'))
    .map((span) => textContent(span).replace(/\s+/g, ' ').trim());
}

/** A value a caller gives a field: true ticks a checkbox, false or null leaves the field out, a list repeats it. */
export type FieldValue = string | number | boolean | null | (string | number)[];

/**
 * Builds the URL-encoded body of a form with `changes` applied. A field a caller names replaces every
 * value the form would send for that name. A checkbox set to true sends its own value (`on` when
 * it has none).
 */
export function formBody(form: HtmlForm, changes: Record<string, FieldValue>): URLSearchParams {
  const body = new URLSearchParams();
  for (const field of form.fields) {
    if (field.name in changes) continue;
    for (const value of field.values) body.append(field.name, value);
  }
  for (const [name, value] of Object.entries(changes)) {
    if (value === false || value === null) continue;
    if (value === true) {
      const field = form.fields.find((candidate) => candidate.name === name);
      body.append(name, field?.kind === 'checkbox' ? (field.choices[0] ?? 'on') : 'on');
      continue;
    }
    for (const entry of Array.isArray(value) ? value : [value]) body.append(name, String(entry));
  }
  return body;
}

function fieldsOf(form: Element): FormField[] {
  const fields = new Map<string, FormField>();
  const controls = getElementsByTagName((name) => name === 'input' || name === 'select' || name === 'textarea', form.children, true);
  for (const control of controls) {
    const name = getAttributeValue(control, 'name');
    if (!name || getAttributeValue(control, 'disabled') !== undefined) continue;
    const kind = kindOf(control);
    if (kind === undefined) continue;
    const field = fields.get(name) ?? { name, kind, values: [], choices: [] };
    fields.set(name, field);

    if (kind === 'select') {
      const options = getElementsByTagName('option', control.children, true);
      field.choices.push(...options.map((option) => getAttributeValue(option, 'value') ?? textContent(option)));
      const selected = options.find((option) => getAttributeValue(option, 'selected') !== undefined) ?? options[0];
      if (selected) field.values.push(getAttributeValue(selected, 'value') ?? textContent(selected));
    } else if (kind === 'textarea') {
      field.values.push(textContent(control));
    } else if (kind === 'checkbox' || kind === 'radio') {
      const value = getAttributeValue(control, 'value') ?? 'on';
      field.choices.push(value);
      if (getAttributeValue(control, 'checked') !== undefined) field.values.push(value);
    } else if (kind !== 'file') {
      field.values.push(getAttributeValue(control, 'value') ?? '');
    }
  }
  return [...fields.values()];
}

function kindOf(control: Element): FieldKind | undefined {
  if (control.name === 'select') return 'select';
  if (control.name === 'textarea') return 'textarea';
  const type = (getAttributeValue(control, 'type') ?? 'text').toLowerCase();
  if (type === 'submit' || type === 'button' || type === 'reset' || type === 'image') return undefined;
  if (type === 'hidden' || type === 'password' || type === 'checkbox' || type === 'radio' || type === 'file') return type;
  return 'text';
}
