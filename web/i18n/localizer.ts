import { CATALOGUES, textAt, type Language, type Messages, type Text } from './catalogue.js';

/** Writes one element's text (or children) in the language given. */
export type Render = (m: Messages) => void;

/** The attributes index.html fills from the catalogue: `data-i18n-placeholder="phone.placeholder"`. */
const LOCALIZED_ATTRIBUTES = ['placeholder', 'aria-label'] as const;

/**
 * The page's language, and every text on the page written in it. Each text is kept as a function
 * of the catalogue, so a switch rewrites them all in place: no element is replaced, nothing
 * typed into a field or held by a step is lost.
 */
export class Localizer {
  private readonly live = new Map<HTMLElement, Render>();
  private readonly listeners: ((language: Language) => void)[] = [];

  constructor(private current: Language) {}

  get language(): Language {
    return this.current;
  }

  get messages(): Messages {
    return CATALOGUES[this.current];
  }

  /** The element says `text` now, and again in each language switched to; undefined empties it. */
  text(element: HTMLElement, text: Text | undefined): void {
    if (text === undefined) {
      this.live.delete(element);
      element.textContent = '';
      return;
    }
    this.bind(element, (m) => {
      element.textContent = text(m);
    });
  }

  /** `render` writes the element now, and again in each language switched to. */
  bind(element: HTMLElement, render: Render): void {
    this.live.set(element, render);
    render(this.messages);
  }

  /**
   * The element says `text`, whose `{name}` places hold the given elements (the phone number in
   * bold, say), wherever each language's word order puts them. The elements themselves are kept.
   */
  template(element: HTMLElement, text: Text, slots: Readonly<Record<string, HTMLElement>>): void {
    this.bind(element, (m) => fillTemplate(element, text(m), slots));
  }

  /** How the element is written now, to put back later (a button's label after its busy one). */
  renderingOf(element: HTMLElement): Render | undefined {
    return this.live.get(element);
  }

  restore(element: HTMLElement, render: Render | undefined): void {
    if (render) this.bind(element, render);
    else this.text(element, undefined);
  }

  onChange(listener: (language: Language) => void): void {
    this.listeners.push(listener);
  }

  setLanguage(language: Language): void {
    this.current = language;
    this.applyToDocument();
    for (const render of this.live.values()) render(this.messages);
    for (const listener of this.listeners) listener(language);
  }

  /**
   * Binds the texts index.html names: `data-i18n` (the element's text), `data-i18n-template`
   * (text around the `data-slot` children), `data-i18n-placeholder` and `data-i18n-aria-label`.
   */
  bindDocument(): void {
    for (const element of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
      const path = element.dataset.i18n ?? '';
      this.text(element, (m) => textAt(m, path));
    }
    for (const element of document.querySelectorAll<HTMLElement>('[data-i18n-template]')) {
      const path = element.dataset.i18nTemplate ?? '';
      const slots: Record<string, HTMLElement> = {};
      for (const slot of element.querySelectorAll<HTMLElement>('[data-slot]')) {
        slots[slot.dataset.slot ?? ''] = slot;
      }
      this.template(element, (m) => textAt(m, path), slots);
    }
    this.applyToDocument();
  }

  private applyToDocument(): void {
    document.documentElement.lang = this.current;
    for (const name of LOCALIZED_ATTRIBUTES) {
      const data = `data-i18n-${name}`;
      for (const element of document.querySelectorAll(`[${data}]`)) {
        element.setAttribute(name, textAt(this.messages, element.getAttribute(data) ?? ''));
      }
    }
  }
}

/** `"{phone} मा … पठाइएको छ।"` with the phone's element in the place of `{phone}`. */
function fillTemplate(
  element: HTMLElement,
  template: string,
  slots: Readonly<Record<string, HTMLElement>>,
): void {
  const nodes: Node[] = [];
  for (const part of template.split(/(\{[A-Za-z]+\})/)) {
    if (part === '') continue;
    const slot = /^\{([A-Za-z]+)\}$/.exec(part)?.[1];
    const placed = slot === undefined ? undefined : slots[slot];
    nodes.push(placed ?? document.createTextNode(part));
  }
  element.replaceChildren(...nodes);
}
