import { fieldRule, missingField, type HumanError } from './error-messages.js';
import { textAt, type Text } from './i18n/catalogue.js';
import type { Localizer } from './i18n/localizer.js';

/** The element with this id, checked to be of the expected kind (the HTML and the code agree). */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`#${id} is missing or not a ${kind.name}`);
  return element;
}

/**
 * Error display for one form or step: a summary box (role="alert", so it is announced) and a
 * message under each field it names, tied to the input by aria-describedby and aria-invalid.
 * Written through the Localizer, so a shown error follows a switch of language.
 */
export class Feedback {
  private readonly summary: HTMLElement;

  constructor(
    private readonly i18n: Localizer,
    private readonly scope: HTMLElement,
  ) {
    const summary = scope.querySelector<HTMLElement>('[data-form-error]');
    if (!summary) throw new Error(`#${scope.id} has no [data-form-error] box`);
    this.summary = summary;
  }

  clear(): void {
    this.summary.hidden = true;
    this.i18n.text(this.summary, undefined);
    for (const input of this.scope.querySelectorAll('input')) this.setFieldError(input, undefined);
  }

  show(error: HumanError): void {
    this.clear();
    const unplaced: Text[] = [];
    for (const [field, message] of Object.entries(error.fields)) {
      const input = this.scope.querySelector<HTMLInputElement>(
        `input[name="${CSS.escape(field)}"]`,
      );
      if (input) this.setFieldError(input, message);
      else unplaced.push(message);
    }
    this.i18n.bind(this.summary, (m) => {
      const heading = document.createElement('p');
      heading.textContent = error.message(m);
      this.summary.replaceChildren(heading);
      if (unplaced.length === 0) return;
      const list = document.createElement('ul');
      for (const note of unplaced) {
        const item = document.createElement('li');
        item.textContent = note(m);
        list.append(item);
      }
      this.summary.append(list);
    });
    this.summary.hidden = false;
    // The first field with a problem is where the person starts fixing it.
    this.scope.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
  }

  private setFieldError(input: HTMLInputElement, message: Text | undefined): void {
    const note = document.getElementById(`${input.id}-error`);
    if (message === undefined) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
    if (note) {
      this.i18n.text(note, message);
      note.hidden = message === undefined;
    }
  }
}

/** The form's own checks (required, lengths, pattern) in the page's words, before any request. */
export function checkFields(form: HTMLFormElement, codeLength: number): HumanError | undefined {
  const fields: Record<string, Text> = {};
  for (const input of form.querySelectorAll('input')) {
    if (input.checkValidity()) continue;
    fields[input.name] =
      (input.validity.valueMissing
        ? missingField(input.name, codeLength)
        : fieldRule(input.name, codeLength)) ?? ((m) => m.fields.invalid);
  }
  return Object.keys(fields).length > 0
    ? { message: (m) => m.errors.checkInput, fields }
    : undefined;
}

/** Runs `work` with the button disabled and showing its busy label (data-i18n-busy) and spinner. */
export async function whileBusy<T>(
  i18n: Localizer,
  button: HTMLButtonElement,
  work: () => Promise<T>,
): Promise<T> {
  const idle = i18n.renderingOf(button);
  const busy = button.dataset.i18nBusy;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (busy) i18n.text(button, (m) => textAt(m, busy));
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    i18n.restore(button, idle);
    button.disabled = false;
  }
}
