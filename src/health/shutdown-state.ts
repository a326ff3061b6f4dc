import { Injectable } from '@nestjs/common';

/**
 * Where this instance is in its shutdown (graceful-shutdown.ts):
 * - draining: SIGTERM arrived; readiness answers 503 SHUTTING_DOWN so a load balancer takes the
 *   instance out, and every other route serves as before;
 * - stopping: the listener is closed; each answer closes its connection, so a proxy keeps no
 *   idle connection to an instance about to close the idle ones.
 */
@Injectable()
export class ShutdownState {
  private phase: 'running' | 'draining' | 'stopping' = 'running';

  /** Readiness answers 503 from the drain on. */
  get draining(): boolean {
    return this.phase !== 'running';
  }

  get stopping(): boolean {
    return this.phase === 'stopping';
  }

  beginDrain(): void {
    if (this.phase === 'running') this.phase = 'draining';
  }

  beginStop(): void {
    this.phase = 'stopping';
  }
}
