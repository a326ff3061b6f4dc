import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import type { CpuUsageReport } from './cpu';
import type { LoadResult } from './load';

/** What one scenario measured, with the harness's own remarks about it. */
export interface ScenarioReport {
  id: number;
  title: string;
  expectedStatus: number;
  result: LoadResult;
  /** req/s relative to scenario 0 in the same run (null when 0 was not run). */
  ratioToNoop: number | null;
  /** Requests that found no fresh fixture; non-zero means the scenario was under-prepared. */
  ranOut: number;
  notes: string[];
  /** During the measured window. */
  cpu: CpuUsageReport;
  appCpuMsPerRequest: number;
  /** Database transactions (each statement outside one counts as one) per request. */
  transactionsPerRequest: number;
}

export interface AppMetrics {
  name: string;
  startToReadyMs: number;
  peakRssMb: number;
  endRssMb: number;
}

export interface TargetCheck {
  target: string;
  measured: string;
  pass: boolean;
}

export interface RunReport {
  kind: 'bench';
  startedAt: string;
  finishedAt: string;
  machine: {
    cpus: number;
    cpuModel: string;
    node: string;
    /** The Node version that ran the app. */
    appNode: string;
    loadAverageBefore: number[];
    loadAverageAfter: number[];
  };
  code: {
    /** The directory whose dist/ ran (a scratch copy for before/after experiments). */
    appDir: string;
    git: { commit: string; uncommittedSrcFiles: number } | null;
  };
  settings: Record<string, unknown>;
  appEnv: Record<string, string>;
  apps: AppMetrics[];
  preparation: Record<string, number>;
  scenarios: ScenarioReport[];
  targets: TargetCheck[];
}

export function machineInfo(): Pick<RunReport['machine'], 'cpus' | 'cpuModel' | 'node'> {
  const list = cpus();
  return { cpus: list.length, cpuModel: list[0]?.model ?? 'unknown', node: process.version };
}

export function loadAverage(): number[] {
  return loadavg().map((value) => Math.round(value * 100) / 100);
}

/** The targets for a 2-core machine with the load generator on it. */
export function checkTargets(scenarios: ScenarioReport[], apps: AppMetrics[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const s of scenarios) {
    if (s.id >= 1 && s.id <= 3 && s.ratioToNoop !== null) {
      checks.push({
        target: `scenario ${s.id} req/s >= 25% of scenario 0`,
        measured: percent(s.ratioToNoop),
        pass: s.ratioToNoop >= 0.25,
      });
    }
    checks.push({
      target: `scenario ${s.id} p99 < 100 ms`,
      measured: `${s.result.latencyMs.p99} ms`,
      pass: s.result.latencyMs.p99 < 100,
    });
    const errors = s.result.errors + s.result.unexpected;
    checks.push({
      target: `scenario ${s.id} zero errors`,
      measured: `${s.result.errors} errors, ${s.result.unexpected} unexpected statuses, ${s.ranOut} ran out`,
      pass: errors === 0 && s.ranOut === 0,
    });
  }
  for (const app of apps) {
    checks.push({
      target: `${app.name} peak RSS < 250 MB`,
      measured: `${app.peakRssMb.toFixed(0)} MB`,
      pass: app.peakRssMb < 250,
    });
    checks.push({
      target: `${app.name} start to ready < 3 s`,
      measured: `${(app.startToReadyMs / 1000).toFixed(2)} s`,
      pass: app.startToReadyMs < 3000,
    });
  }
  return checks;
}

export function formatScenarioTable(scenarios: ScenarioReport[]): string {
  const header = [
    '#',
    'scenario',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors',
    'unexpected',
    'vs 0',
    'app CPU ms/req',
    'xacts/req',
    'cores app/pg/gen/all',
  ];
  const rows = scenarios.map((s) => [
    String(s.id),
    s.title,
    s.result.requestsPerSecond.toFixed(0),
    String(s.result.latencyMs.p50),
    String(s.result.latencyMs.p99),
    String(s.result.errors),
    String(s.result.unexpected),
    s.ratioToNoop === null ? '–' : percent(s.ratioToNoop),
    s.appCpuMsPerRequest.toFixed(2),
    s.transactionsPerRequest.toFixed(1),
    `${s.cpu.appCores.toFixed(2)}/${s.cpu.pgCores.toFixed(2)}/${s.cpu.harnessCores.toFixed(2)}/${(s.cpu.machineBusyShare * 100).toFixed(0)}%`,
  ]);
  const lines = [table([header, ...rows])];
  for (const s of scenarios) {
    const mix = Object.entries(s.result.statusMix)
      .sort((a, b) => b[1] - a[1])
      .map(([status, count]) => `${status}: ${count}`)
      .join(', ');
    lines.push(`  ${s.id}. expected ${s.expectedStatus}; status mix: ${mix || 'none'}`);
    if (s.ranOut > 0) lines.push(`     RAN OUT: ${s.ranOut} requests reused a fixture`);
    for (const note of s.notes) lines.push(`     ${note}`);
  }
  return lines.join('\n');
}

export function formatApps(apps: AppMetrics[]): string {
  return table([
    ['app process', 'start→ready ms', 'peak RSS MB (VmHWM)', 'RSS at end MB'],
    ...apps.map((a) => [
      a.name,
      a.startToReadyMs.toFixed(0),
      a.peakRssMb.toFixed(1),
      a.endRssMb.toFixed(1),
    ]),
  ]);
}

export function formatTargets(checks: TargetCheck[]): string {
  return table(
    [
      ['target', 'measured', ''],
      ...checks.map((c) => [c.target, c.measured, c.pass ? 'ok' : 'MISSED']),
    ],
    ['left', 'left', 'left'],
  );
}

export function writeReport(file: string, report: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}

/** A plain-text table; numbers are right-aligned unless `align` says otherwise per column. */
export function table(rows: string[][], align?: ReadonlyArray<'left' | 'right' | 'auto'>): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const numeric = (text: string) => /^[-–\d.,% ]+$/.test(text) && /\d|–/.test(text);
  const right = (cell: string, c: number) =>
    (align?.[c] ?? 'auto') === 'auto' ? numeric(cell) : align?.[c] === 'right';
  const line = (row: string[]) =>
    row
      .map((cell, c) => (right(cell, c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd();
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
