import { CircuitBreaker } from './circuit-breaker';

describe('CircuitBreaker', () => {
  const settings = { failureThreshold: 3, openMs: 30_000 };

  it('stays closed below the threshold, and a success resets the count', () => {
    const circuit = new CircuitBreaker(settings);
    circuit.recordFailure(0);
    circuit.recordFailure(0);
    circuit.recordSuccess();
    circuit.recordFailure(0);
    circuit.recordFailure(0);
    expect(circuit.state(0)).toBe('closed');
    expect(circuit.tryAcquire(0)).toBe(true);
  });

  it('opens at the threshold and refuses every send while open', () => {
    const circuit = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) circuit.recordFailure(1000);
    expect(circuit.state(1000)).toBe('open');
    expect(circuit.tryAcquire(1000)).toBe(false);
    expect(circuit.tryAcquire(1000 + 29_999)).toBe(false);
  });

  it('half-opens after openMs and lets exactly one probe through', () => {
    const circuit = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) circuit.recordFailure(0);
    expect(circuit.state(30_000)).toBe('half-open');
    expect(circuit.tryAcquire(30_000)).toBe(true);
    expect(circuit.tryAcquire(30_001)).toBe(false);
  });

  it('closes when the probe succeeds', () => {
    const circuit = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) circuit.recordFailure(0);
    circuit.tryAcquire(30_000);
    circuit.recordSuccess();
    expect(circuit.state(30_000)).toBe('closed');
    expect(circuit.tryAcquire(30_000)).toBe(true);
    expect(circuit.tryAcquire(30_000)).toBe(true);
  });

  it('opens again for a whole period when the probe fails', () => {
    const circuit = new CircuitBreaker(settings);
    for (let i = 0; i < 3; i++) circuit.recordFailure(0);
    circuit.tryAcquire(30_000);
    circuit.recordFailure(31_000);
    expect(circuit.state(31_000)).toBe('open');
    expect(circuit.tryAcquire(60_999)).toBe(false);
    expect(circuit.tryAcquire(61_000)).toBe(true);
  });
});
