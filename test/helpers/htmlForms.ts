/**
 * Reading the router's pages as a browser does: the POST forms of a page with the body each would
 * submit unchanged, the labels of their fields, and the visible text of a page.
 *
 * NOTE: htmlparser2 and domutils come with mailparser (a dependency of the lab), not as declared
 * dependencies of the tests.
 */
import { getAttributeValue, getElementsByTagName, textContent } from 'domutils';
import { parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';

/** One field of a form: its name, the value(s) a browser sends unchanged, and the label a person reads. */
export interface FormField {
  name: string;
  kind: 'text' | 'hidden' | 'password' | 'checkbox' | 'radio' | 'select' | 'textarea' | 'file';
  /** Values sent when the form is submitted unchanged (none for an unticked checkbox). */
  values: string[];
  /** Values a person could pick: the options of a select, the values of a radio group. */
  choices: string[];
  label: string;
}

export interface HtmlForm {
  action: string;
  multipart: boolean;
  fields: FormField[];
}

/** Returns the POST forms of a page, in document order. */
export function postForms(html: string): HtmlForm[] {
  const document = parseDocument(html);
  const labels = labelsById(document.children as Element[]);
  return getElementsByTagName('form', document.children, true)
    .filter((form) => (getAttributeValue(form, 'method') ?? 'get').toLowerCase() === 'post')
    .map((form) => ({
      action: getAttributeValue(form, 'action') ?? '',
      multipart: (getAttributeValue(form, 'enctype') ?? '').toLowerCase() === 'multipart/form-data',
      fields: fieldsOf(form, labels),
    }));
}

/** Returns the body a browser submits for the form unchanged, as name and value pairs in document order. */
export function submittedPairs(form: HtmlForm): [string, string][] {
  return form.fields.flatMap((field) => field.values.map((value): [string, string] => [field.name, value]));
}

/** Returns the visible text of a page with runs of white space collapsed, for checks on messages. */
export function pageText(html: string): string {
  return textContent(parseDocument(html).children).replace(/\s+/g, ' ').trim();
}

/** Returns the texts of the field-error marks (`<span class="field-error">`) of a page. */
export function fieldErrorTexts(html: string): string[] {
  return getElementsByTagName('span', parseDocument(html).children, true)
    .filter((span) => (getAttributeValue(span, 'class') ?? '').split(/\s+/).includes('field-error'))
    .map((span) => textContent(span).replace(/\s+/g, ' ').trim());
}

function labelsById(nodes: Element[]): Map<string, string> {
  const labels = new Map<string, string>();
  for (const label of getElementsByTagName('label', nodes, true)) {
    const target = getAttributeValue(label, 'for');
    if (target) labels.set(target, textContent(label).replace(/\s+/g, ' ').trim());
  }
  return labels;
}

function fieldsOf(form: Element, labels: Map<string, string>): FormField[] {
  const fields = new Map<string, FormField>();
  const controls = getElementsByTagName((name) => name === 'input' || name === 'select' || name === 'textarea', form.children, true);
  for (const control of controls) {
    const name = getAttributeValue(control, 'name');
    if (!name || getAttributeValue(control, 'disabled') !== undefined) continue;
    const kind = kindOf(control);
    if (kind === undefined) continue;
    const field = fields.get(name) ?? { name, kind, values: [], choices: [], label: labelOf(control, labels) };
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
    if (!field.label) field.label = labelOf(control, labels);
  }
  return [...fields.values()];
}

function kindOf(control: Element): FormField['kind'] | undefined {
  if (control.name === 'select') return 'select';
  if (control.name === 'textarea') return 'textarea';
  const type = (getAttributeValue(control, 'type') ?? 'text').toLowerCase();
  if (type === 'submit' || type === 'button' || type === 'reset' || type === 'image') return undefined;
  if (type === 'hidden' || type === 'password' || type === 'checkbox' || type === 'radio' || type === 'file') return type;
  return 'text';
}

/** Returns the text of `<label for=id>`, else of the label around the control, else its aria-label. */
function labelOf(control: Element, labels: Map<string, string>): string {
  const id = getAttributeValue(control, 'id');
  if (id && labels.has(id)) return labels.get(id)!;
  for (let parent = control.parent as Element | null; parent && parent.type === 'tag'; parent = parent.parent as Element | null) {
    if (parent.name === 'label') return textContent(parent).replace(/\s+/g, ' ').trim();
  }
  return getAttributeValue(control, 'aria-label') ?? '';
}

/**
 * Builds the URL-encoded body of a form submitted with `changes`. A string sets a field, a list sets
 * a field that repeats (ticked checkboxes of one name), and undefined leaves a field out.
 */
export function formBody(form: HtmlForm, changes: Record<string, string | string[] | undefined> = {}): string {
  const body = new URLSearchParams();
  for (const [name, value] of submittedPairs(form)) if (!(name in changes)) body.append(name, value);
  for (const [name, value] of Object.entries(changes)) {
    for (const entry of value === undefined ? [] : Array.isArray(value) ? value : [value]) body.append(name, entry);
  }
  return body.toString();
}

/** Returns the POST forms of a page that submit to `action`, leaving out the menu's Logout form. */
export function formsTo(html: string, action: string): HtmlForm[] {
  return postForms(html).filter((form) => form.action === action);
}
