import { byId } from '../form-ui.js';
import type { AdminApiClient } from './admin-api.js';
import type { GatewayStatus } from './admin-types.js';
import { count, dateTime, milliseconds } from './format.js';

const CIRCUIT_LABELS: Record<GatewayStatus['circuit'], string> = {
  closed: 'closed (healthy)',
  open: 'open (skipped)',
  'half-open': 'half-open (probing)',
};

/**
 * Each gateway's circuit, last outcome and balance, from `GET /v1/admin/gateways`. Until the
 * service has that route (it comes with the gateway routing), or whenever it fails, the table
 * gives way to "Gateway status unavailable": the rest of the dashboard does not depend on it.
 */
export class GatewaysPanel {
  private readonly table = byId('gateways-table', HTMLTableElement);
  private readonly unavailable = byId('gateways-unavailable', HTMLElement);

  constructor(private readonly api: AdminApiClient) {}

  async load(): Promise<void> {
    let gateways: GatewayStatus[];
    try {
      gateways = await this.api.gateways();
      if (!Array.isArray(gateways)) throw new Error('not a list');
    } catch {
      this.table.hidden = true;
      this.unavailable.hidden = false;
      return;
    }
    const body = this.table.tBodies[0];
    body.replaceChildren();
    for (const gateway of gateways) {
      const row = body.insertRow();
      const name = row.insertCell();
      name.textContent = gateway.gateway;
      const circuit = row.insertCell();
      circuit.textContent = CIRCUIT_LABELS[gateway.circuit] ?? gateway.circuit;
      circuit.dataset.circuit = gateway.circuit;
      const outcome = row.insertCell();
      outcome.textContent = gateway.lastOutcome
        ? `${gateway.lastOutcome}, ${dateTime(gateway.lastOutcomeAt)}`
        : '–';
      row.insertCell().textContent = milliseconds(gateway.lastLatencyMs);
      row.insertCell().textContent = gateway.credits === null ? '–' : count(gateway.credits);
    }
    this.table.hidden = false;
    this.unavailable.hidden = gateways.length > 0;
    if (gateways.length === 0) this.unavailable.textContent = 'No gateway is configured.';
  }
}
