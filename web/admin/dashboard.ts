import { ApiError } from '../api-client.js';
import { byId } from '../form-ui.js';
import { Session } from '../session.js';
import { AdminApiClient } from './admin-api.js';
import type { Statistics } from './admin-types.js';
import { REFUSAL_REASONS } from './admin-types.js';
import { DashboardCharts } from './charts.js';
import {
  describeFailure,
  endedTheSession,
  FormFeedback,
  missingFields,
  whileBusy,
} from './form-feedback.js';
import { count, percent } from './format.js';
import { GatewaysPanel } from './gateways.js';
import { AllowlistPanel, BlocksPanel } from './lists.js';
import { isRangeName, rangeEndingAt, type RangeName } from './time-range.js';

type View = 'loading' | 'login' | 'forbidden' | 'dashboard';

/**
 * The operator dashboard: the sign-up page's login and session (sessionStorage, silent refresh),
 * then the statistics, gateways, blocks and allowlist of `/v1/admin/*`. A 403 from the API means
 * the account is not in ADMIN_USERNAMES: the page says so instead of showing empty charts.
 */
export class Dashboard {
  private readonly session = new Session();
  private readonly api = new AdminApiClient(this.session, () => this.sessionEnded());
  private readonly charts = new DashboardCharts();
  private readonly gateways = new GatewaysPanel(this.api);
  private readonly blocks = new BlocksPanel(this.api, (error) => this.handledAccess(error));
  private readonly allowlist = new AllowlistPanel(this.api, (error) => this.handledAccess(error));
  private readonly loginForm = byId('login-form', HTMLFormElement);
  private readonly loginFeedback = new FormFeedback(this.loginForm);
  private readonly error = byId('dashboard-error', HTMLElement);
  private range: RangeName;

  constructor() {
    const asked = new URLSearchParams(window.location.search).get('range') ?? undefined;
    this.range = isRangeName(asked) ? asked : '24h';
    this.loginForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.login();
    });
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-action="logout"]')) {
      button.addEventListener('click', () => void whileBusy(button, () => this.logout()));
    }
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) {
      button.addEventListener('click', () => {
        const name = button.dataset.range;
        if (isRangeName(name) && name !== this.range) {
          this.range = name;
          void this.refreshStatistics();
        }
      });
    }
  }

  async start(): Promise<void> {
    if (!this.session.tokens) return this.show('login');
    await this.enter();
  }

  private async enter(): Promise<void> {
    this.markRange();
    try {
      const user = await this.api.me();
      byId('signed-in-as', HTMLElement).textContent = `Signed in as ${user.username}`;
      byId('forbidden-user', HTMLElement).textContent = user.username;
      const stats = await this.loadStatistics();
      this.show('dashboard');
      // Drawn once the canvases are visible, so Chart.js measures their real size.
      this.charts.render(stats);
      await Promise.all([this.gateways.load(), this.blocks.load(), this.allowlist.load()]);
    } catch (error) {
      if (!this.handledAccess(error)) this.fail(error);
    }
  }

  private async refreshStatistics(): Promise<void> {
    this.markRange();
    try {
      this.charts.render(await this.loadStatistics());
      await this.gateways.load();
    } catch (error) {
      if (!this.handledAccess(error)) this.fail(error);
    }
  }

  private async loadStatistics(): Promise<Statistics> {
    const { from, to, bucket } = rangeEndingAt(this.range, new Date());
    const stats = await this.api.statistics(from, to, bucket);
    this.error.hidden = true;
    const totals = stats.totals;
    byId('total-sent', HTMLElement).textContent = count(totals.sent);
    byId('total-approved', HTMLElement).textContent = count(totals.approved);
    byId('total-conversion', HTMLElement).textContent = percent(totals.conversionRate);
    byId('total-refused', HTMLElement).textContent = count(totals.refused);
    byId('total-refusals', HTMLElement).textContent = count(
      REFUSAL_REASONS.reduce((sum, reason) => sum + totals.refusals[reason], 0),
    );
    return stats;
  }

  private markRange(): void {
    for (const button of document.querySelectorAll<HTMLButtonElement>('[data-range]')) {
      button.setAttribute('aria-checked', String(button.dataset.range === this.range));
    }
  }

  private async login(): Promise<void> {
    this.loginFeedback.clear();
    const invalid = missingFields(this.loginForm);
    if (invalid) return this.loginFeedback.show(invalid);
    const button = this.loginForm.querySelector<HTMLButtonElement>('button[type="submit"]');
    if (!button) return;
    await whileBusy(button, async () => {
      try {
        const username = byId('login-username', HTMLInputElement).value;
        const password = byId('login-password', HTMLInputElement).value;
        this.session.signIn(await this.api.login(username, password));
      } catch (error) {
        this.loginFeedback.show(describeFailure(error));
        return;
      }
      this.loginForm.reset();
      this.show('loading');
      await this.enter();
    });
  }

  private async logout(): Promise<void> {
    try {
      await this.api.logout();
    } catch {
      // Logging out must always work here, even if the server could not be told.
    }
    this.session.clear();
    this.show('login');
  }

  /** 401 (the login form is already back) and 403 (not an admin) are views, not errors. */
  private handledAccess(error: unknown): boolean {
    if (endedTheSession(error)) return true;
    if (error instanceof ApiError && error.status === 403 && error.code === 'FORBIDDEN') {
      this.show('forbidden');
      return true;
    }
    return false;
  }

  private sessionEnded(): void {
    this.show('login');
    this.loginFeedback.show({
      message: 'Your session has ended. Please log in again.',
      fields: {},
    });
  }

  private fail(error: unknown): void {
    this.show('dashboard');
    this.error.textContent = describeFailure(error).message;
    this.error.hidden = false;
  }

  private show(view: View): void {
    byId('loading', HTMLElement).hidden = view !== 'loading';
    byId('login', HTMLElement).hidden = view !== 'login';
    byId('forbidden', HTMLElement).hidden = view !== 'forbidden';
    byId('dashboard', HTMLElement).hidden = view !== 'dashboard';
    byId('toolbar', HTMLElement).hidden = view !== 'dashboard';
    const heading = {
      loading: undefined,
      login: 'login-heading',
      forbidden: 'forbidden-heading',
      dashboard: undefined,
    }[view];
    if (heading) document.getElementById(heading)?.focus();
  }
}
