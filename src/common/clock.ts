/**
 * The time, injected so tests can move it. Every timestamp the service reasons about (expiry,
 * cooldowns, limit windows) comes from here and is passed to SQL as a parameter, never `now()`.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
