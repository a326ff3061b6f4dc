import { readFileSync } from 'node:fs';
import { table } from './report';

/**
 * Summarises a V8 `.cpuprofile` (the JSON `node --cpu-prof` writes): the functions with the
 * most self time, and the split by module — self time (where the CPU was) and total time
 * (which modules were on the stack, top-down). Start-up can be cut off with `skipMs`.
 * `BENCH_PROFILE=1 npm run bench` prints one per scenario; bench/research/profile-summary.ts
 * summarises any profile file.
 */

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Share {
  name: string;
  ms: number;
  /** Of the busy (non-idle) time. */
  share: number;
}

export interface ProfileSummary {
  file: string;
  /** Profiled time after `skipMs`, and the part of it the thread was not idle. */
  windowMs: number;
  busyMs: number;
  topSelf: Share[];
  selfByModule: Share[];
  totalByModule: Share[];
  /** Each sample charged to the innermost function of our own code on its stack. */
  byAppFunction: Share[];
}

const IDLE = '(idle)';

export function summariseProfile(file: string, skipMs = 0, top = 25): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const selfModule = new Map<string, number>();
  const totalModule = new Map<string, number>();
  const appFunction = new Map<string, number>();
  let elapsed = 0;
  let windowUs = 0;
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    elapsed += profile.timeDeltas[i] ?? 0;
    if (elapsed < skipMs * 1000) continue;
    const weight = profile.timeDeltas[i + 1] ?? 0;
    const leaf = byId.get(profile.samples[i]);
    if (!leaf) continue;
    windowUs += weight;
    if (leaf.callFrame.functionName === IDLE) continue;
    busyUs += weight;
    add(self, functionLabel(leaf.callFrame), weight);
    add(selfModule, moduleOf(leaf.callFrame), weight);
    const seen = new Set<string>();
    let charged = false;
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const module = moduleOf(frame);
      if (!charged && module.startsWith('app:')) {
        charged = true;
        add(appFunction, functionLabel(frame), weight);
      }
      if (!seen.has(module)) {
        seen.add(module);
        add(totalModule, module, weight);
      }
    }
    if (!charged) add(appFunction, '(no app code on the stack)', weight);
  }
  const shares = (map: Map<string, number>, limit: number): Share[] =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: us / 1000, share: busyUs > 0 ? us / busyUs : 0 }));
  return {
    file,
    windowMs: windowUs / 1000,
    busyMs: busyUs / 1000,
    topSelf: shares(self, top),
    selfByModule: shares(selfModule, top),
    totalByModule: shares(totalModule, top),
    byAppFunction: shares(appFunction, top),
  };
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function functionLabel(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  return `${name}  ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, '');
  const modules = path.lastIndexOf('/node_modules/');
  if (modules >= 0) return path.slice(modules + '/node_modules/'.length);
  const dist = path.indexOf('/dist/');
  if (dist >= 0) return path.slice(dist + 1);
  return path;
}

/** npm package, `app:<folder>` for our own compiled code, `node:<area>` for Node's internals. */
export function moduleOf(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + '/node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const app = /\/dist\/(?:src\/)?([^/]+)/.exec(url);
  if (app) return `app:${app[1].replace(/\.js$/, '')}`;
  if (url.startsWith('node:')) {
    const area = url
      .slice(5)
      .replace(/^internal\//, '')
      .split('/')[0];
    return `node:${area}`;
  }
  return url;
}

export function formatProfileSummary(summary: ProfileSummary, top = 15): string {
  const pct = (share: number) => `${(share * 100).toFixed(1)} %`;
  const rows = (shares: Share[]) =>
    shares.slice(0, top).map((s) => [s.name, s.ms.toFixed(0), pct(s.share)]);
  return [
    `${summary.file}: ${(summary.windowMs / 1000).toFixed(1)} s profiled, ` +
      `${pct(summary.busyMs / Math.max(1, summary.windowMs))} busy`,
    '',
    'top self time (share of busy time)',
    table([['function', 'ms', 'share'], ...rows(summary.topSelf)]),
    '',
    'self time by module',
    table([['module', 'ms', 'share'], ...rows(summary.selfByModule)]),
    '',
    'total time by module (on the stack, top-down)',
    table([['module', 'ms', 'share'], ...rows(summary.totalByModule)]),
    '',
    'charged to the innermost function of our own code (dist/) on the stack',
    table([['function', 'ms', 'share'], ...rows(summary.byAppFunction)]),
  ].join('\n');
}
