import { byId } from '../form-ui.js';

export type StepName = 'account' | 'phone' | 'code' | 'verified';

const ORDER: readonly StepName[] = ['account', 'phone', 'code', 'verified'];

/**
 * Shows one step at a time. Each step gets an AbortSignal that fires when the page leaves it, so
 * work tied to the step (a WebOTP request, a countdown) stops with it.
 */
export class StepView {
  private leaving = new AbortController();
  private current: StepName | undefined;

  show(step: StepName): AbortSignal {
    this.leaving.abort();
    this.leaving = new AbortController();
    this.current = step;
    byId('loading', HTMLElement).hidden = true;
    for (const name of ORDER) byId(`step-${name}`, HTMLElement).hidden = name !== step;
    this.markProgress(step);
    this.focusFirstField(byId(`step-${step}`, HTMLElement));
    return this.leaving.signal;
  }

  get step(): StepName | undefined {
    return this.current;
  }

  /** Moves focus to the first field of the visible form, or to the heading when there is none. */
  focusFirstField(scope: HTMLElement): void {
    const field = [...scope.querySelectorAll('input')].find((input) => !input.closest('[hidden]'));
    const heading = [...scope.querySelectorAll('h1')].find((h) => !h.closest('[hidden]'));
    (field ?? heading)?.focus();
  }

  private markProgress(step: StepName): void {
    const index = ORDER.indexOf(step);
    for (const item of byId('progress', HTMLElement).querySelectorAll<HTMLElement>('li')) {
      const itemIndex = ORDER.indexOf(item.dataset.step as StepName);
      if (itemIndex === index) item.setAttribute('aria-current', 'step');
      else item.removeAttribute('aria-current');
      // The last step is done as soon as it shows: you are through the wall.
      item.dataset.state = itemIndex < index || step === 'verified' ? 'done' : '';
    }
  }
}
