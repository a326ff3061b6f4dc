import { readdirSync, readFileSync } from 'node:fs';

/**
 * Where the machine's CPU went during a scenario (Linux /proc): the app processes, the
 * PostgreSQL backends serving the benchmark's database, the harness itself (autocannon and the
 * fake Sparrow server), and the whole machine. With the load generator on the same 2 cores,
 * this says whether the app or the machine was the limit.
 */

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuSnapshot {
  at: number;
  appTicks: number;
  /** CPU ticks so far of each PostgreSQL backend of the database, by pid. */
  pgTicks: ReadonlyMap<number, number>;
  harness: NodeJS.CpuUsage;
  machineBusy: number;
  machineTotal: number;
}

export interface CpuUsageReport {
  seconds: number;
  /** CPU seconds used per second of wall time (1.0 = one core busy). */
  appCores: number;
  pgCores: number;
  harnessCores: number;
  /** Busy share of all cores, everything on the machine included (other engineers' tests too). */
  machineBusyShare: number;
}

export function snapshotCpu(appPids: readonly number[], database: string): CpuSnapshot {
  const machine = machineTicks();
  return {
    at: Date.now(),
    appTicks: appPids.reduce((sum, pid) => sum + processTicks(pid), 0),
    pgTicks: new Map(postgresBackendPids(database).map((pid) => [pid, processTicks(pid)])),
    harness: process.cpuUsage(),
    machineBusy: machine.busy,
    machineTotal: machine.total,
  };
}

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuUsageReport {
  const seconds = (after.at - before.at) / 1000;
  const harness = process.cpuUsage(before.harness);
  const cores = (ticks: number) => round(ticks / TICKS_PER_SECOND / seconds);
  return {
    seconds,
    appCores: cores(after.appTicks - before.appTicks),
    // Per backend: one that ended in between (another pool's idle connection) takes its ticks
    // with it, which made a plain sum go down; its work after `before` is missed (a lower bound).
    pgCores: cores(backendTicksBetween(before.pgTicks, after.pgTicks)),
    harnessCores: round((harness.user + harness.system) / 1e6 / seconds),
    machineBusyShare: round(
      (after.machineBusy - before.machineBusy) /
        Math.max(1, after.machineTotal - before.machineTotal),
    ),
  };
}

function backendTicksBetween(
  before: ReadonlyMap<number, number>,
  after: ReadonlyMap<number, number>,
): number {
  let ticks = 0;
  for (const [pid, now] of after) ticks += now - (before.get(pid) ?? 0);
  return ticks;
}

function processTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start at field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return 0; // the process is gone
  }
}

// "postgres: 15/main: postgres pv_bench_x 127.0.0.1(5432) idle" (the cluster part is optional)
const BACKEND_TITLE = /^postgres: (?:\S+: )?\S+ (\S+) /;

/** PostgreSQL backends connected to `database`, found by their process title. */
function postgresBackendPids(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (BACKEND_TITLE.exec(title)?.[1] === database) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((a, b) => a + b, 0);
  const idle = values[3] + (values[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
