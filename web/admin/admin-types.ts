/** The shapes of the operator console's routes (docs/api.md, "Operator console"). */

export const REFUSAL_REASONS = [
  'cooldown',
  'phone',
  'user',
  'ip',
  'budget',
  'blocked',
  'challenge',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface StatsCounts {
  sent: number;
  refused: number;
  unknown: number;
  approved: number;
  conversionRate: number | null;
  refusals: Record<RefusalReason, number>;
}

export interface StatsBucket extends StatsCounts {
  start: string;
}

export interface Statistics {
  from: string;
  to: string;
  bucket: 'hour' | 'day';
  totals: StatsCounts;
  buckets: StatsBucket[];
  byOperator: Array<{
    operator: string;
    sent: number;
    approved: number;
    conversionRate: number | null;
  }>;
  byGateway: Array<{
    gateway: string;
    sent: number;
    refused: number;
    unknown: number;
    p50Ms: number | null;
    p95Ms: number | null;
  }>;
}

export interface Block {
  id: string;
  phone: string | null;
  prefix: string | null;
  source: 'operator' | 'auto';
  reason: string;
  createdBy: string | null;
  createdAt: string;
  expiresAt: string;
}

export interface AllowlistEntry {
  id: string;
  phone: string | null;
  prefix: string | null;
  note: string;
  createdBy: string | null;
  createdAt: string;
}

/** `GET /v1/admin/gateways`, as the gateway routing will answer it. */
export interface GatewayStatus {
  gateway: string;
  circuit: 'closed' | 'open' | 'half-open';
  lastOutcome: string | null;
  lastOutcomeAt: string | null;
  lastLatencyMs: number | null;
  credits: number | null;
}

/** A number (`phone`) or a prefix, as the block and allowlist forms send it. */
export type PhoneTarget = { phone: string } | { prefix: string };
