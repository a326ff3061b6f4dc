import { formatProfileSummary, summariseProfile } from '../cpu-profile';

/**
 * Summarises V8 `.cpuprofile` files (what `node --cpu-prof` writes): the functions with the most
 * self time, and the split by module and by the app's own functions.
 *
 *   npx tsx bench/research/profile-summary.ts <file.cpuprofile> [--skip-ms 1500] [--top 25]
 */

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args.splice(at, 2)[1]) : fallback;
};
const skipMs = option('--skip-ms', 0);
const top = option('--top', 25);
if (args.length === 0) {
  process.stderr.write(
    'usage: tsx bench/research/profile-summary.ts <file.cpuprofile> [--skip-ms N] [--top N]\n',
  );
  process.exit(2);
}
for (const file of args) {
  process.stdout.write(`${formatProfileSummary(summariseProfile(file, skipMs, top), top)}\n\n`);
}
