import { ApiError } from '../api-client.js';
import { byId } from '../form-ui.js';
import {
  describeFailure,
  FormFeedback,
  missingFields,
  whileBusy,
  type FormError,
} from './form-feedback.js';
import type { AdminApiClient } from './admin-api.js';
import type { AllowlistEntry, Block, PhoneTarget } from './admin-types.js';
import { dateTime, target } from './format.js';

const DEVANAGARI_DIGIT = /[\u0966-\u096F]/g;

/** What was typed in "Number or prefix": six digits are a prefix, anything else a number. */
export function phoneTargetOf(typed: string): PhoneTarget {
  const ascii = typed.replace(DEVANAGARI_DIGIT, (digit) =>
    String.fromCharCode(digit.charCodeAt(0) - 0x0966 + 0x30),
  );
  const digits = ascii.replace(/[\s().-]/g, '');
  return /^\d{6}$/.test(digits) ? { prefix: digits } : { phone: typed.trim() };
}

/** The API's problem, said for these forms: a number or prefix error lands on the one input. */
function describe(error: unknown): FormError {
  if (error instanceof ApiError && error.code === 'ALREADY_ALLOWLISTED') {
    return { message: error.detail, fields: { target: 'Already on the allowlist.' } };
  }
  return describeFailure(error, (field) =>
    field === 'phone' || field === 'prefix' ? 'target' : field,
  );
}

function removeButton(label: string, onClick: () => Promise<void>): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'danger';
  button.textContent = 'Remove';
  button.setAttribute('aria-label', label);
  button.dataset.busyLabel = 'Removing…';
  button.addEventListener('click', () => void whileBusy(button, onClick));
  return button;
}

function cell(
  row: HTMLTableRowElement,
  text: string,
  options: { className?: string; label?: string } = {},
): HTMLTableCellElement {
  const td = row.insertCell();
  td.textContent = text;
  if (options.className) td.className = options.className;
  // shown before the value where the table is laid out as a list (narrow screens)
  if (options.label) td.dataset.label = options.label;
  return td;
}

/** One list with its add form: blocks or the allowlist. */
abstract class ListPanel<T extends { id: string }> {
  private readonly form: HTMLFormElement;
  private readonly feedback: FormFeedback;
  private readonly table: HTMLTableElement;
  private readonly body: HTMLTableSectionElement;
  private readonly empty: HTMLElement;

  constructor(
    protected readonly api: AdminApiClient,
    formId: string,
    tableId: string,
    emptyId: string,
    private readonly onSessionEnded: (error: unknown) => boolean,
  ) {
    this.form = byId(formId, HTMLFormElement);
    this.feedback = new FormFeedback(this.form);
    this.table = byId(tableId, HTMLTableElement);
    this.body = this.table.tBodies[0];
    this.empty = byId(emptyId, HTMLElement);
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
  }

  async load(): Promise<void> {
    this.show(await this.list());
  }

  protected abstract list(): Promise<T[]>;
  protected abstract add(values: Record<string, string>): Promise<unknown>;
  protected abstract remove(item: T): Promise<void>;
  protected abstract fill(row: HTMLTableRowElement, item: T): void;
  protected abstract describeItem(item: T): string;

  private show(items: T[]): void {
    this.body.replaceChildren();
    for (const item of items) {
      const row = this.body.insertRow();
      row.dataset.id = item.id;
      this.fill(row, item);
      row.insertCell().append(
        removeButton(`Remove ${this.describeItem(item)}`, async () => {
          try {
            await this.remove(item);
            await this.load();
          } catch (error) {
            if (!this.onSessionEnded(error)) this.feedback.show(describe(error));
          }
        }),
      );
    }
    this.empty.hidden = items.length > 0;
    this.table.hidden = items.length === 0;
  }

  private async submit(): Promise<void> {
    this.feedback.clear();
    const missing = missingFields(this.form);
    if (missing) return this.feedback.show(missing);
    const button = this.form.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (!button) return;
    // every field of these forms is text (an input or a select): no File among the values
    const values = Object.fromEntries(
      [...new FormData(this.form).entries()].map(([key, value]) => [
        key,
        typeof value === 'string' ? value : '',
      ]),
    );
    await whileBusy(button, async () => {
      try {
        await this.add(values);
        this.form.reset();
        await this.load();
      } catch (error) {
        if (!this.onSessionEnded(error)) this.feedback.show(describe(error));
      }
    });
  }
}

export class BlocksPanel extends ListPanel<Block> {
  constructor(api: AdminApiClient, onSessionEnded: (error: unknown) => boolean) {
    super(api, 'block-form', 'blocks-table', 'blocks-empty', onSessionEnded);
  }

  protected list(): Promise<Block[]> {
    return this.api.blocks();
  }

  protected add(values: Record<string, string>): Promise<unknown> {
    return this.api.addBlock(
      phoneTargetOf(values.target ?? ''),
      Number(values.seconds),
      values.reason ?? '',
    );
  }

  protected remove(block: Block): Promise<void> {
    return this.api.liftBlock(block.id);
  }

  protected fill(row: HTMLTableRowElement, block: Block): void {
    cell(row, target(block), { className: 'nowrap target' });
    cell(row, dateTime(block.expiresAt), { className: 'nowrap', label: 'Until' });
    const reason = cell(row, block.reason);
    if (block.source === 'auto') {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = 'auto';
      reason.prepend(badge, ' ');
    }
  }

  protected describeItem(block: Block): string {
    return `the block on ${target(block)}`;
  }
}

export class AllowlistPanel extends ListPanel<AllowlistEntry> {
  constructor(api: AdminApiClient, onSessionEnded: (error: unknown) => boolean) {
    super(api, 'allowlist-form', 'allowlist-table', 'allowlist-empty', onSessionEnded);
  }

  protected list(): Promise<AllowlistEntry[]> {
    return this.api.allowlist();
  }

  protected add(values: Record<string, string>): Promise<unknown> {
    return this.api.addToAllowlist(phoneTargetOf(values.target ?? ''), values.note ?? '');
  }

  protected remove(entry: AllowlistEntry): Promise<void> {
    return this.api.removeFromAllowlist(entry.id);
  }

  protected fill(row: HTMLTableRowElement, entry: AllowlistEntry): void {
    cell(row, target(entry), { className: 'nowrap target' });
    cell(row, entry.note);
  }

  protected describeItem(entry: AllowlistEntry): string {
    return `${target(entry)} from the allowlist`;
  }
}
