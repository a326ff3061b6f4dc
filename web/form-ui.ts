import { fieldRule, type HumanError } from './error-messages.js';

/** The element with this id, checked to be of the expected kind (the HTML and the code agree). */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`#${id} is missing or not a ${kind.name}`);
  return element;
}

/**
 * Error display for one form or step: a summary box (role="alert", so it is announced) and a
 * message under each field it names, tied to the input by aria-describedby and aria-invalid.
 */
export class Feedback {
  private readonly summary: HTMLElement;

  constructor(private readonly scope: HTMLElement) {
    const summary = scope.querySelector<HTMLElement>('[data-form-error]');
    if (!summary) throw new Error(`#${scope.id} has no [data-form-error] box`);
    this.summary = summary;
  }

  clear(): void {
    this.summary.hidden = true;
    this.summary.replaceChildren();
    for (const input of this.scope.querySelectorAll('input')) this.setFieldError(input, undefined);
  }

  show(error: HumanError): void {
    this.clear();
    const unplaced: string[] = [];
    for (const [field, message] of Object.entries(error.fields)) {
      const input = this.scope.querySelector<HTMLInputElement>(
        `input[name="${CSS.escape(field)}"]`,
      );
      if (input) this.setFieldError(input, message);
      else unplaced.push(message);
    }
    const heading = document.createElement('p');
    heading.textContent = error.message;
    this.summary.append(heading);
    if (unplaced.length > 0) {
      const list = document.createElement('ul');
      for (const message of unplaced) {
        const item = document.createElement('li');
        item.textContent = message;
        list.append(item);
      }
      this.summary.append(list);
    }
    this.summary.hidden = false;
    // The first field with a problem is where the person starts fixing it.
    this.scope.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
  }

  private setFieldError(input: HTMLInputElement, message: string | undefined): void {
    const note = document.getElementById(`${input.id}-error`);
    if (message === undefined) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
    if (note) {
      note.textContent = message ?? '';
      note.hidden = message === undefined;
    }
  }
}

/** The form's own checks (required, lengths, pattern) in the page's words, before any request. */
export function checkFields(form: HTMLFormElement, codeLength: number): HumanError | undefined {
  const fields: Record<string, string> = {};
  for (const input of form.querySelectorAll('input')) {
    if (input.checkValidity()) continue;
    const label = input.labels?.[0]?.textContent?.trim().toLowerCase() ?? input.name;
    fields[input.name] = input.validity.valueMissing
      ? `Enter your ${label}.`
      : (fieldRule(input.name, codeLength) ?? input.validationMessage);
  }
  return Object.keys(fields).length > 0
    ? { message: 'Please check what you entered.', fields }
    : undefined;
}

/** Runs `work` with the button disabled and showing its busy label and spinner. */
export async function whileBusy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  const idleLabel = button.textContent ?? '';
  const busyLabel = button.dataset.busyLabel;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (busyLabel) button.textContent = busyLabel;
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.textContent = idleLabel;
    button.disabled = false;
  }
}
