import { Inject, Injectable } from '@nestjs/common';
import { Logger, Params, PARAMS_PROVIDER_TOKEN, PinoLogger } from 'nestjs-pino';

/** What Nest logs at the end of init(): before the port is bound, so not yet true. */
const NEST_STARTED = 'Nest application successfully started';

/**
 * The application's logger (nestjs-pino's, JSON lines). Nest says "successfully started" once its
 * modules are initialised, before `listen()` binds the port, which may still fail (EADDRINUSE):
 * that line goes to debug, and main.ts says where the service listens once it does.
 */
@Injectable()
export class AppLogger extends Logger {
  constructor(logger: PinoLogger, @Inject(PARAMS_PROVIDER_TOKEN) params: Params) {
    super(logger, params);
  }

  override log(message: unknown, ...optionalParams: unknown[]): void {
    if (message === NEST_STARTED) {
      super.debug('Nest application initialised; binding the port', ...optionalParams);
      return;
    }
    super.log(message, ...optionalParams);
  }
}
