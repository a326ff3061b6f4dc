import { ApiClient, type Body } from '../api-client.js';
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
    const query = { from: from.toISOString(), to: to.toISOString(), bucket };
    return this.authenticated((headers) =>
      this.api.GET('/v1/admin/stats', { params: { query }, headers }),
    );
  }

  gateways(): Promise<GatewayStatus[]> {
    return this.authenticated((headers) => this.api.GET('/v1/admin/gateways', { headers }));
  }

  blocks(): Promise<Block[]> {
    return this.authenticated((headers) => this.api.GET('/v1/admin/blocks', { headers }));
  }

  addBlock(target: PhoneTarget, seconds: number, reason: string): Promise<Block> {
    return this.authenticated((headers) =>
      this.api.POST('/v1/admin/blocks', {
        body: { ...target, seconds, reason } satisfies Body<'/v1/admin/blocks'>,
        headers,
      }),
    );
  }

  async liftBlock(id: string): Promise<void> {
    await this.authenticated((headers) =>
      this.api.DELETE('/v1/admin/blocks/{id}', { params: { path: { id } }, headers }),
    );
  }

  allowlist(): Promise<AllowlistEntry[]> {
    return this.authenticated((headers) => this.api.GET('/v1/admin/allowlist', { headers }));
  }

  addToAllowlist(target: PhoneTarget, note: string): Promise<AllowlistEntry> {
    return this.authenticated((headers) =>
      this.api.POST('/v1/admin/allowlist', {
        body: { ...target, note } satisfies Body<'/v1/admin/allowlist'>,
        headers,
      }),
    );
  }

  async removeFromAllowlist(id: string): Promise<void> {
    await this.authenticated((headers) =>
      this.api.DELETE('/v1/admin/allowlist/{id}', { params: { path: { id } }, headers }),
    );
  }
}
