import { readFileSync } from 'node:fs';
import type { RunReport } from './report';

/**
 * Prints the scenario table of one or more result files as Markdown, for docs/performance.md:
 *
 *   npx tsx bench/to-markdown.ts bench/results/latest.json [more.json …]
 */

function markdown(report: RunReport, file: string): string {
  const lines = [
    `**${file}** — ${report.startedAt}, app on ${report.machine.appNode ?? report.machine.node}, ` +
      `${report.apps.length} app process(es), commit ${report.code?.git?.commit ?? '?'}, ` +
      `load average before ${report.machine.loadAverageBefore.join(' ')}`,
    '',
    '| # | scenario | req/s | p50 ms | p99 ms | errors | unexpected | vs 0 | app CPU ms/req | cores app/pg/gen |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const s of report.scenarios) {
    lines.push(
      `| ${s.id} | ${s.title} | ${s.result.requestsPerSecond.toFixed(0)} | ${s.result.latencyMs.p50} | ` +
        `${s.result.latencyMs.p99} | ${s.result.errors} | ${s.result.unexpected}${s.ranOut ? ` (ran out ${s.ranOut})` : ''} | ` +
        `${s.ratioToNoop === null ? '–' : `${(s.ratioToNoop * 100).toFixed(1)} %`} | ${s.appCpuMsPerRequest.toFixed(2)} | ` +
        `${s.cpu.appCores}/${s.cpu.pgCores}/${s.cpu.harnessCores} |`,
    );
  }
  const apps = report.apps
    .map(
      (a) =>
        `${a.name}: start→ready ${(a.startToReadyMs / 1000).toFixed(2)} s, peak RSS ${a.peakRssMb.toFixed(0)} MB`,
    )
    .join('; ');
  lines.push('', apps);
  return lines.join('\n');
}

const files = process.argv.slice(2);
if (files.length === 0) {
  process.stderr.write('usage: tsx bench/to-markdown.ts <results.json> …\n');
  process.exit(2);
}
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  process.stdout.write(`${markdown(report, file)}\n\n`);
}
