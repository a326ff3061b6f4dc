import { MOBILE_OPERATOR_PREFIXES } from '../../src/phone-verification/phone-number/mobile-operators';
import { SeededRandom } from './random';
import type { PumpingSettings } from './settings';

/**
 * Who does what, and when, in one simulation: the same plan (from the seed) for the run with the
 * guard and the run without it. Times are seconds from the start of the traffic.
 */
export interface PumpingPlan {
  readonly legit: readonly LegitUser[];
  readonly attack: readonly AttackSend[];
  readonly attackAccounts: readonly AttackAccount[];
  readonly attackPrefixes: readonly string[];
}

/** How a legitimate user reaches the service. */
export type LegitNetwork = 'home' | 'mobile-ipv4' | 'mobile-ipv6';

export interface LegitUser {
  readonly index: number;
  /** National number (`98…`), as typed. */
  readonly phone: string;
  readonly ip: string;
  readonly network: LegitNetwork;
  /** When the user asks for a code: once, or twice (the second after the resend cooldown). */
  readonly asks: readonly number[];
  /** Seconds after the last ask at which the user types the code back; undefined: never does. */
  readonly typesCodeAfter?: number;
}

export interface AttackAccount {
  readonly index: number;
  readonly ip: string;
}

export interface AttackSend {
  readonly index: number;
  readonly at: number;
  readonly account: number;
  readonly phone: string;
}

/** The mobile operators the app accepts by default (PHONE_ALLOWED_OPERATORS = NTC,NCELL). */
const CODES = [...MOBILE_OPERATOR_PREFIXES.NTC, ...MOBILE_OPERATOR_PREFIXES.NCELL];
/** OTP_RESEND_COOLDOWN_SECONDS at its default, and a second to spare. */
export const RESEND_AFTER_SECONDS = 61;
/** Mobile carriers' NAT pools (IPv4 /24s) and IPv6 /48s that many users share. */
const CARRIER_POOLS = 3;
const CARRIER_IPV6_NETWORKS = 2;

export function buildPlan(settings: PumpingSettings): PumpingPlan {
  const random = new SeededRandom(settings.seed);
  const { attack, attackAccounts, attackPrefixes, attackNumbers } = planAttack(settings, random);
  const legit = planLegit(settings, random, attackNumbers);
  return { legit, attack, attackAccounts, attackPrefixes };
}

/**
 * The attacker: a few prefixes whose numbers it walks in order (the ranges it is paid for),
 * round-robin over them; accounts of `sendsPerAccount` sends each, every account on an address
 * of its own, spread over many IPv4 /24s and IPv6 /48s, so that no per-account, per-address or
 * per-network limit stops it. It never types a code back.
 */
function planAttack(settings: PumpingSettings, random: SeededRandom) {
  const { requests, prefixes, networks, sendsPerAccount, startsAt } = settings.attack;
  const perPrefix = Math.ceil(requests / prefixes);
  if (perPrefix > 10_000) {
    throw new Error('PUMPING_ATTACK_REQUESTS / PUMPING_ATTACK_PREFIXES must be at most 10000');
  }
  const attackPrefixes: string[] = [];
  while (attackPrefixes.length < prefixes) {
    const prefix = `${random.pick(CODES)}${String(random.below(1000)).padStart(3, '0')}`;
    if (!attackPrefixes.includes(prefix)) attackPrefixes.push(prefix);
  }
  const firstSuffix = attackPrefixes.map(() => random.below(10_000 - perPrefix + 1));
  const from = startsAt * settings.seconds;
  const span = settings.seconds - 5 - from;
  const attack: AttackSend[] = [];
  const attackNumbers = new Set<string>();
  for (let index = 0; index < requests; index += 1) {
    const p = index % prefixes;
    const suffix = firstSuffix[p] + Math.floor(index / prefixes);
    const phone = `${attackPrefixes[p]}${String(suffix).padStart(4, '0')}`;
    attackNumbers.add(phone);
    attack.push({
      index,
      at: from + ((index + random.next()) / requests) * span,
      account: Math.floor(index / sendsPerAccount),
      phone,
    });
  }
  const accountCount = Math.ceil(requests / sendsPerAccount);
  const attackAccounts = Array.from({ length: accountCount }, (_, index) => ({
    index,
    ip: attackerIp(index % networks, Math.floor(index / networks)),
  }));
  return { attack, attackAccounts, attackPrefixes, attackNumbers };
}

/** Network `n` (even: an IPv4 /24 of 198.18.0.0/15; odd: an IPv6 /48), host `host` in it. */
function attackerIp(n: number, host: number): string {
  const k = n >> 1;
  if (n % 2 === 0) return `198.${18 + ((k >> 8) & 1)}.${k & 255}.${(host % 250) + 2}`;
  return `2001:db8:${(0xa000 + k).toString(16)}:${host.toString(16)}::1`;
}

/**
 * Legitimate users: numbers of every NTC and Ncell code, spread over the whole range; half on a
 * home network of their own, the rest on mobile data behind a carrier's NAT pool (a few IPv4
 * /24s) or in a carrier's IPv6 /48 (a /64 each). Some ask twice (the first SMS seemed not to
 * come); most type the code back a few seconds after it arrived.
 */
function planLegit(
  settings: PumpingSettings,
  random: SeededRandom,
  taken: Set<string>,
): LegitUser[] {
  const { users, twiceShare, conversion } = settings.legit;
  const seconds = settings.seconds;
  const legit: LegitUser[] = [];
  for (let index = 0; index < users; index += 1) {
    let phone: string;
    do {
      phone = `${random.pick(CODES)}${String(random.below(10_000_000)).padStart(7, '0')}`;
    } while (taken.has(phone));
    taken.add(phone);
    const { ip, network } = legitAddress(index, random);
    const twice = random.chance(twiceShare);
    const first = twice
      ? random.between(0, seconds - RESEND_AFTER_SECONDS - 20)
      : random.between(0, seconds - 20);
    const asks = twice ? [first, first + RESEND_AFTER_SECONDS + random.between(0, 5)] : [first];
    const converts = random.chance(conversion);
    legit.push({
      index,
      phone,
      ip,
      network,
      asks,
      typesCodeAfter: converts ? random.between(4, 12) : undefined,
    });
  }
  return legit;
}

function legitAddress(index: number, random: SeededRandom): { ip: string; network: LegitNetwork } {
  const draw = random.next();
  if (draw < 0.5) {
    const ip = `10.${(index >> 8) & 255}.${index & 255}.${2 + random.below(250)}`;
    return { ip, network: 'home' };
  }
  if (draw < 0.8) {
    const ip = `100.64.${1 + random.below(CARRIER_POOLS)}.${1 + random.below(254)}`;
    return { ip, network: 'mobile-ipv4' };
  }
  const carrier = (0xc000 + random.below(CARRIER_IPV6_NETWORKS)).toString(16);
  const ip = `2001:db8:${carrier}:${(index & 0xffff).toString(16)}::${(1 + random.below(0xfffe)).toString(16)}`;
  return { ip, network: 'mobile-ipv6' };
}
