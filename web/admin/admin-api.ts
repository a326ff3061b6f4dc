import { ApiClient } from '../api-client.js';
import type {
  AllowlistEntry,
  Block,
  GatewayStatus,
  PhoneTarget,
  Statistics,
} from './admin-types.js';

/** The sign-up page's client (same session, same silent refresh) plus the console's routes. */
export class AdminApiClient extends ApiClient {
  statistics(from: Date, to: Date, bucket: 'hour' | 'day'): Promise<Statistics> {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString(), bucket });
    return this.authenticated<Statistics>('GET', `/v1/admin/stats?${query.toString()}`);
  }

  gateways(): Promise<GatewayStatus[]> {
    return this.authenticated<GatewayStatus[]>('GET', '/v1/admin/gateways');
  }

  blocks(): Promise<Block[]> {
    return this.authenticated<Block[]>('GET', '/v1/admin/blocks');
  }

  addBlock(target: PhoneTarget, seconds: number, reason: string): Promise<Block> {
    return this.authenticated<Block>('POST', '/v1/admin/blocks', { ...target, seconds, reason });
  }

  liftBlock(id: string): Promise<void> {
    return this.authenticated<void>('DELETE', `/v1/admin/blocks/${encodeURIComponent(id)}`);
  }

  allowlist(): Promise<AllowlistEntry[]> {
    return this.authenticated<AllowlistEntry[]>('GET', '/v1/admin/allowlist');
  }

  addToAllowlist(target: PhoneTarget, note: string): Promise<AllowlistEntry> {
    return this.authenticated<AllowlistEntry>('POST', '/v1/admin/allowlist', { ...target, note });
  }

  removeFromAllowlist(id: string): Promise<void> {
    return this.authenticated<void>('DELETE', `/v1/admin/allowlist/${encodeURIComponent(id)}`);
  }
}
