import { ApiError, NETWORK_ERROR } from '../api-client.js';

/**
 * The dashboard's forms: an error summary (role="alert") and a note under each field it names,
 * tied to the input by aria-describedby and aria-invalid; busy buttons. English only: the
 * dashboard is for the service's operators (the sign-up page's catalogues are for its users).
 */
export interface FormError {
  message: string;
  /** By input name. */
  fields: Record<string, string>;
}

export class FormFeedback {
  private readonly summary: HTMLElement;

  constructor(private readonly scope: HTMLElement) {
    const summary = scope.querySelector<HTMLElement>('[data-form-error]');
    if (!summary) throw new Error(`#${scope.id} has no [data-form-error] box`);
    this.summary = summary;
  }

  clear(): void {
    this.summary.hidden = true;
    this.summary.replaceChildren();
    for (const input of this.scope.querySelectorAll('input')) this.note(input, undefined);
  }

  show(error: FormError): void {
    this.clear();
    const unplaced: string[] = [];
    for (const [field, message] of Object.entries(error.fields)) {
      const input = this.scope.querySelector<HTMLInputElement>(
        `input[name="${CSS.escape(field)}"]`,
      );
      if (input) this.note(input, message);
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
    this.scope.querySelector<HTMLInputElement>('input[aria-invalid="true"]')?.focus();
  }

  private note(input: HTMLInputElement, message: string | undefined): void {
    const note = document.getElementById(`${input.id}-error`);
    if (message === undefined) input.removeAttribute('aria-invalid');
    else input.setAttribute('aria-invalid', 'true');
    if (note) {
      note.textContent = message ?? '';
      note.hidden = message === undefined;
    }
  }
}

/** Every empty input of the form, named by its label. */
export function missingFields(form: HTMLFormElement): FormError | undefined {
  const fields: Record<string, string> = {};
  for (const input of form.querySelectorAll('input')) {
    if (input.value.trim() !== '') continue;
    const label = input.labels?.[0]?.textContent?.trim().toLowerCase() ?? input.name;
    fields[input.name] = `Enter the ${label}.`;
  }
  return Object.keys(fields).length > 0
    ? { message: 'Please check what you entered.', fields }
    : undefined;
}

/**
 * A failed call in a sentence. `fieldFor` maps the API's field names onto the form's inputs;
 * the API's own `detail` is written for people and is used for anything not named here.
 */
export function describeFailure(
  error: unknown,
  fieldFor: (apiField: string) => string = (field) => field,
): FormError {
  if (!(error instanceof ApiError)) {
    console.error(error);
    return { message: 'Something went wrong on this page. Please reload it.', fields: {} };
  }
  switch (error.code) {
    case 'VALIDATION_FAILED': {
      const fields: Record<string, string> = {};
      for (const { field, message } of error.fieldErrors) {
        fields[fieldFor(field)] ??= message.charAt(0).toUpperCase() + message.slice(1);
      }
      return { message: 'Please check what you entered.', fields };
    }
    case 'INVALID_CREDENTIALS':
      return { message: 'The username or password is wrong.', fields: {} };
    case NETWORK_ERROR:
      return { message: 'The server could not be reached. Try again.', fields: {} };
    default:
      return {
        message:
          error.status >= 500
            ? 'Something went wrong on our side. Please try again.'
            : error.detail,
        fields: {},
      };
  }
}

/** The session ended mid-call: the page has already gone back to the login form. */
export function endedTheSession(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401 && error.code === 'UNAUTHENTICATED';
}

/** Runs `work` with the button disabled and showing its busy label (data-busy-label). */
export async function whileBusy<T>(button: HTMLButtonElement, work: () => Promise<T>): Promise<T> {
  const idle = button.textContent ?? '';
  const busy = button.dataset.busyLabel;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (busy) button.textContent = busy;
  try {
    return await work();
  } finally {
    button.removeAttribute('aria-busy');
    button.textContent = idle;
    button.disabled = false;
  }
}
