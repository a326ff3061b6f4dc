/** How the dashboard writes numbers, times and targets. */

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function count(value: number): string {
  return integer.format(value);
}

export function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

export function milliseconds(value: number | null): string {
  return value === null ? '–' : `${integer.format(value)} ms`;
}

/** A bucket's label: the local hour for hourly buckets, the UTC day for daily ones. */
export function bucketLabel(start: string, bucket: 'hour' | 'day', showDay: boolean): string {
  const at = new Date(start);
  if (bucket === 'day') {
    return at.toLocaleDateString(undefined, { timeZone: 'UTC', month: 'short', day: 'numeric' });
  }
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return showDay
    ? `${at.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`
    : time;
}

export function dateTime(iso: string | null): string {
  if (iso === null) return '–';
  return new Date(iso).toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** `+9779812345678` → `+977 981-234-5678`; a prefix → `981234…`. */
export function target(entry: { phone: string | null; prefix: string | null }): string {
  if (entry.prefix !== null) return `${entry.prefix}…`;
  const match = /^\+977(\d{3})(\d{3})(\d{4})$/.exec(entry.phone ?? '');
  return match ? `+977 ${match[1]}-${match[2]}-${match[3]}` : (entry.phone ?? '');
}
