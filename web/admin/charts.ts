import type { Chart as ChartInstance, ChartConfiguration, ChartType } from 'chart.js';
import { REFUSAL_REASONS, type Statistics } from './admin-types.js';
import { bucketLabel, count, milliseconds, percent } from './format.js';

/** Chart.js's UMD build, loaded by a <script> before this module, sets window.Chart. */
type ChartConstructor = typeof import('chart.js').Chart;

function chartLibrary(): ChartConstructor {
  const library = (window as unknown as { Chart?: ChartConstructor }).Chart;
  if (!library) throw new Error('Chart.js did not load from /vendor/chart.umd.min.js');
  return library;
}

/** The series colours (the browser tests look for them on the canvases). */
export const COLOURS = {
  sent: '#1d5fd0',
  approved: '#1e7a46',
  p50: '#1d5fd0',
  p95: '#e07b00',
  refusals: ['#1d5fd0', '#e07b00', '#7b3fb5', '#b3261e', '#5b6675', '#00838f', '#c2185b'],
} as const;

const BASE_OPTIONS = {
  responsive: true,
  maintainAspectRatio: false,
  // Drawn at once: nothing to wait for, and the same picture for a screenshot as for a person.
  animation: false,
  plugins: { legend: { position: 'bottom' } },
} as const;

/** The four charts of the dashboard, drawn again from each statistics answer. */
export class DashboardCharts {
  private readonly drawn = new Map<string, ChartInstance>();

  render(stats: Statistics): void {
    this.draw('chart-volume', volume(stats));
    this.draw('chart-operators', operators(stats));
    this.draw('chart-refusals', refusals(stats));
    this.draw('chart-latency', latency(stats));
  }

  private draw<T extends ChartType>(id: string, config: ChartConfiguration<T>): void {
    const canvas = document.getElementById(id);
    if (!(canvas instanceof HTMLCanvasElement)) throw new Error(`#${id} is not a canvas`);
    this.drawn.get(id)?.destroy();
    const Chart = chartLibrary();
    this.drawn.set(id, new Chart(canvas, config) as unknown as ChartInstance);
  }
}

function labels(stats: Statistics): string[] {
  const days = new Set(stats.buckets.map((bucket) => bucket.start.slice(0, 10)));
  return stats.buckets.map((bucket) => bucketLabel(bucket.start, stats.bucket, days.size > 2));
}

function volume(stats: Statistics): ChartConfiguration<'line'> {
  const dense = stats.buckets.length > 48;
  return {
    type: 'line',
    data: {
      labels: labels(stats),
      datasets: [
        {
          label: 'SMS sent',
          data: stats.buckets.map((bucket) => bucket.sent),
          borderColor: COLOURS.sent,
          backgroundColor: COLOURS.sent,
          borderWidth: 2,
          pointRadius: dense ? 0 : 2,
        },
        {
          label: 'Approved',
          data: stats.buckets.map((bucket) => bucket.approved),
          borderColor: COLOURS.approved,
          backgroundColor: COLOURS.approved,
          borderWidth: 2,
          pointRadius: dense ? 0 : 2,
        },
      ],
    },
    options: {
      ...BASE_OPTIONS,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  };
}

function operators(stats: Statistics): ChartConfiguration<'bar'> {
  const rows = stats.byOperator.filter((row) => row.sent > 0);
  return {
    type: 'bar',
    data: {
      labels: rows.map((row) => row.operator),
      datasets: [
        {
          label: 'Conversion (approved ÷ sent)',
          data: rows.map((row) => Math.round((row.conversionRate ?? 0) * 1000) / 10),
          backgroundColor: COLOURS.approved,
        },
      ],
    },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (item) => {
              const row = rows[item.dataIndex];
              return `${percent(row.conversionRate)} (${count(row.approved)} of ${count(row.sent)})`;
            },
          },
        },
      },
      scales: { y: { beginAtZero: true, max: 100, ticks: { callback: (value) => `${value} %` } } },
    },
  };
}

function refusals(stats: Statistics): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: labels(stats),
      datasets: REFUSAL_REASONS.map((reason, index) => ({
        label: reason,
        data: stats.buckets.map((bucket) => bucket.refusals[reason]),
        backgroundColor: COLOURS.refusals[index],
      })),
    },
    options: {
      ...BASE_OPTIONS,
      scales: {
        x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
  };
}

function latency(stats: Statistics): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: stats.byGateway.map((row) => row.gateway),
      datasets: [
        {
          label: 'Median',
          data: stats.byGateway.map((row) => row.p50Ms ?? 0),
          backgroundColor: COLOURS.p50,
        },
        {
          label: '95th percentile',
          data: stats.byGateway.map((row) => row.p95Ms ?? 0),
          backgroundColor: COLOURS.p95,
        },
      ],
    },
    options: {
      ...BASE_OPTIONS,
      plugins: {
        ...BASE_OPTIONS.plugins,
        tooltip: {
          callbacks: { label: (item) => `${item.dataset.label}: ${milliseconds(item.parsed.y)}` },
        },
      },
      scales: { y: { beginAtZero: true, ticks: { callback: (value) => `${value} ms` } } },
    },
  };
}
