import type { Text } from './i18n/catalogue.js';
import type { Localizer } from './i18n/localizer.js';

/** `42` → `0:42`, `125` → `2:05` (ASCII; each language writes the digits its own way). */
export function formatCountdown(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/**
 * Keeps a button disabled until a moment, its label counting down each second
 * ("Send a new code in 0:42", "०:४२ पछि नयाँ कोड पठाउनुहोस्"), then enables it and calls `onReady`.
 */
export class ButtonCountdown {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly i18n: Localizer,
    private readonly button: HTMLButtonElement,
    /** The label once the wait is over. */
    private readonly label: Text,
    /** The label while waiting, given the time left as `0:42`. */
    private readonly waitingLabel: (clock: string) => Text,
    private readonly onReady: () => void = () => undefined,
  ) {}

  /** Counts down to `deadline` (ms since the epoch); stops early when `signal` aborts. */
  until(deadline: number, signal: AbortSignal): void {
    this.stop();
    const tick = (): void => {
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) {
        this.ready();
        this.onReady();
        return;
      }
      this.button.disabled = true;
      this.i18n.text(this.button, this.waitingLabel(formatCountdown(remainingMs / 1000)));
      // Wake up at the next whole second of the wait, when the label's number changes.
      this.timer = setTimeout(tick, remainingMs % 1000 || 1000);
    };
    signal.addEventListener('abort', () => this.stop(), { once: true });
    tick();
  }

  /** Enables the button now (e.g. the code expired: a new one may be asked for at once). */
  ready(): void {
    this.stop();
    this.button.disabled = false;
    this.i18n.text(this.button, this.label);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
