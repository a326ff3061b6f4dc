import { GatewayExchange, GatewayHttp, GatewayRequest } from '../../src/sms/gateways/gateway-http';

/** The real GatewayHttp, telling `onRequest` of every exchange an adapter starts. */
export class CountingGatewayHttp extends GatewayHttp {
  constructor(private readonly onRequest: () => void) {
    super();
  }

  override exchange(request: GatewayRequest, timeoutMs: number): Promise<GatewayExchange> {
    this.onRequest();
    return super.exchange(request, timeoutMs);
  }
}
