import ipaddr from 'ipaddr.js';
import { canonicalIp } from '../common/http/ip-keys';
import { problemWith, type ConfigCheck } from '../config/app-config';
import type { ConfigProblem } from '../config/environment';

/**
 * In production a gateway is reached over https, or over plain http only on this machine (a
 * local relay or tunnel that does the TLS): every request carries the gateway token and a code.
 */
export const gatewayUrlCheck: ConfigCheck = (env, invalid) => {
  if (env.NODE_ENV !== 'production') return [];
  return (['SPARROW_BASE_URL', 'AAKASH_BASE_URL'] as const)
    .filter((name) => !invalid.has(name))
    .flatMap((name) => insecureGatewayUrl(name, env[name]));
};

/** The problem with `url` as a production gateway URL, if any; for each `*_BASE_URL`. */
export function insecureGatewayUrl(variable: string, url: string): ConfigProblem[] {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:' || isLoopbackHost(parsed.hostname)) return [];
  return [
    problemWith(
      variable,
      'must be https:// when NODE_ENV=production (plain http only to 127.0.0.0/8, ::1 or localhost): the gateway token and every code travel in it',
      url,
    ),
  ];
}

function isLoopbackHost(hostname: string): boolean {
  if (hostname.toLowerCase() === 'localhost') return true;
  const address = canonicalIp(hostname.replace(/^\[(.*)\]$/, '$1'));
  return address !== undefined && ipaddr.parse(address).range() === 'loopback';
}
