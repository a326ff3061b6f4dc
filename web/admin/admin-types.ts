/** The shapes of the operator console's routes (docs/api.md, "Operator console"). */
import type { components } from '../generated/api.js';

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

type Schemas = components['schemas'];

/** The console's shapes, as the OpenAPI document (`npm run client:generate`) gives them. */
export type StatsCounts = Schemas['StatsCounts'];
export type StatsBucket = Schemas['StatsBucket'];
export type Statistics = Schemas['StatsResponse'];
export type Block = Schemas['BlockView'];
export type AllowlistEntry = Schemas['AllowlistEntryView'];
/** `GET /v1/admin/gateways`: one gateway, as the answering instance's router sees it. */
export type GatewayStatus = Schemas['GatewayHealthView'];

/** A number (`phone`) or a prefix, as the block and allowlist forms send it. */
export type PhoneTarget = { phone: string } | { prefix: string };
