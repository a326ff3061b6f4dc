import type { Locator, Page } from 'playwright-core';
import { inPage } from './sign-up-wall-page';

export type ChartId = 'chart-volume' | 'chart-operators' | 'chart-refusals' | 'chart-latency';
export const CHART_IDS: readonly ChartId[] = [
  'chart-volume',
  'chart-operators',
  'chart-refusals',
  'chart-latency',
];

/** `#1d5fd0` → [29, 95, 208]. */
function rgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** The operator dashboard as an operator uses it: by labels, roles and visible text. */
export class AdminDashboardPage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/admin${query}`);
  }

  async login(username: string, password: string): Promise<void> {
    const form = this.page.locator('#login-form');
    await form.waitFor({ state: 'visible' });
    await form.getByLabel('Username', { exact: true }).fill(username);
    await form.getByLabel('Password', { exact: true }).fill(password);
    await form.getByRole('button', { name: 'Log in', exact: true }).click();
  }

  get dashboard(): Locator {
    return this.page.locator('#dashboard');
  }

  tile(id: 'total-sent' | 'total-approved' | 'total-conversion' | 'total-refused'): Locator {
    return this.page.locator(`#${id}`);
  }

  rangeButton(label: '24 h' | '7 d' | '30 d'): Locator {
    return this.page.getByRole('radio', { name: label });
  }

  /**
   * Pixels of the chart's plot area (its axes and legend left out) within a few steps of
   * `colour`: more than a handful means the series was drawn with data.
   */
  seriesPixels(chart: ChartId, colour: string): Promise<number> {
    const [r, g, b] = rgb(colour);
    return inPage<number>(
      this.page,
      `(() => {
        const canvas = document.getElementById(${JSON.stringify(chart)});
        const chart = window.Chart.getChart(canvas);
        if (!chart) return -1;
        const { left, top, right, bottom } = chart.chartArea;
        const scale = canvas.width / canvas.clientWidth;
        const x = Math.floor(left * scale), y = Math.floor(top * scale);
        const w = Math.ceil((right - left) * scale), h = Math.ceil((bottom - top) * scale);
        const { data } = canvas.getContext('2d').getImageData(x, y, w, h);
        let matching = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (data[i + 3] > 200 && Math.abs(data[i] - ${r}) < 24 && Math.abs(data[i + 1] - ${g}) < 24 &&
              Math.abs(data[i + 2] - ${b}) < 24) matching++;
        }
        return matching;
      })()`,
    );
  }

  /** The rows of a table's body, as the text of their cells (the buttons' column left out). */
  tableRows(tableId: string): Promise<string[][]> {
    return inPage<string[][]>(
      this.page,
      `[...document.querySelectorAll('#${tableId} tbody tr')].map((row) =>
        [...row.cells].filter((cell) => !cell.querySelector('button')).map((cell) => cell.innerText.trim()))`,
    );
  }

  horizontalOverflow(): Promise<number> {
    return inPage(
      this.page,
      `document.documentElement.scrollWidth - document.documentElement.clientWidth`,
    );
  }
}
