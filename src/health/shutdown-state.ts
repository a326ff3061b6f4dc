import { Injectable } from '@nestjs/common';

/**
 * Whether this instance is draining: SIGTERM arrived, readiness answers 503 SHUTTING_DOWN so a
 * load balancer takes it out, and every other route still serves until the server stops
 * accepting (graceful-shutdown.ts).
 */
@Injectable()
export class ShutdownState {
  private drainingSince: Date | undefined;

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  beginDrain(at = new Date()): void {
    this.drainingSince ??= at;
  }
}
