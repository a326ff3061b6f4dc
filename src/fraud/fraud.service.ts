import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { Queryable } from '../database/database';
import { uniqueViolationConstraint } from '../database/database-errors';
import { MetricsService } from '../metrics/metrics.service';
import { AllowlistEntry } from './allowlist-entry.entity';
import { AllowlistRepository } from './allowlist.repository';
import {
  AllowlistEntryNotFoundError,
  AlreadyAllowlistedError,
  BlockNotFoundError,
} from './fraud.errors';
import { PhoneBlock } from './phone-block.entity';
import { PhoneBlockRepository } from './phone-block.repository';
import { PhoneTarget, prefixOf } from './phone-target';

const DAY_MS = 86_400_000;

/** What the send path needs to refuse a send: when the block ends, and why (for the log). */
export interface BlockDecision {
  readonly until: Date;
  readonly reason: string;
}

export interface NewOperatorBlock {
  readonly target: PhoneTarget;
  readonly seconds: number;
  readonly reason: string;
  /** The operator's username. */
  readonly createdBy: string;
}

export interface NewAllowlistEntry {
  readonly target: PhoneTarget;
  readonly note: string;
  readonly createdBy: string;
}

/**
 * The owner of blocks and the allowlist: the only writer of `phone_blocks` and `phone_allowlist`
 * (the admin routes write through it), and what the send path asks before it sends.
 *
 * The allowlist exempts a number or prefix from the fraud guard: its signals and its automatic
 * blocks. An operator's block applies to everyone, allowlisted or not: it is a decision a person
 * took about that number or prefix, and lifting it is one click away.
 */
@Injectable()
export class FraudService implements OnModuleInit {
  constructor(
    private readonly blocks: PhoneBlockRepository,
    private readonly allowlist: AllowlistRepository,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.readActiveBlocksFrom(() => this.blocks.countInForce(this.clock.now()));
  }

  /**
   * The block in force on `phone` (E.164) or its prefix at `now` that ends last, or null. An
   * automatic block does not apply to an allowlisted number or prefix; an operator's does. One
   * indexed query when nothing is blocked (almost every send); the allowlist is read only when
   * an automatic block is found.
   */
  async blockFor(phone: string, now: Date): Promise<BlockDecision | null> {
    const prefix = prefixOf(phone);
    if (prefix === undefined) return null;
    const inForce = await this.blocks.inForceOn(phone, prefix, now);
    if (inForce.length === 0) return null;
    const exempt =
      inForce.some((block) => block.source === 'auto') &&
      (await this.allowlist.covers(phone, prefix));
    return applyingBlock(inForce, exempt);
  }

  /**
   * Before a send, from what its `send_facts` read (the blocks in force on the number or its
   * prefix, as JSON rows, and whether either is allowlisted): the block that applies, the latest
   * to expire (an allowlisted number or prefix escapes automatic blocks, never an operator's).
   */
  screenFrom(
    blocksInForce: ReadonlyArray<Record<string, unknown>> | null,
    allowlisted: boolean,
  ): { block: BlockDecision | null; allowlisted: boolean } {
    return { block: applyingBlock(this.blocks.fromJson(blocksInForce), allowlisted), allowlisted };
  }

  /**
   * The fraud guard's own block on a prefix, on `on` (the send's transaction): `baseSeconds`,
   * doubled for each automatic block of the prefix created in the last 24 hours, at most 24 h.
   */
  async blockPrefix(
    on: Queryable,
    prefix: string,
    baseSeconds: number,
    reason: string,
    now: Date,
  ): Promise<BlockDecision> {
    const repeats = await this.blocks.countCreatedSince(
      { prefix },
      'auto',
      new Date(now.getTime() - DAY_MS),
      on,
    );
    const seconds = Math.min(baseSeconds * 2 ** repeats, DAY_MS / 1000);
    const block = await this.blocks.insert(
      {
        phone: null,
        prefix,
        source: 'auto',
        reason,
        createdBy: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + seconds * 1000),
      },
      on,
    );
    return { until: block.expiresAt, reason: block.reason };
  }

  /** Whether the number or its prefix is on the allowlist (entries do not expire). */
  async isAllowlisted(phone: string, _now: Date): Promise<boolean> {
    const prefix = prefixOf(phone);
    if (prefix === undefined) return false;
    return this.allowlist.covers(phone, prefix);
  }

  listBlocks(): Promise<PhoneBlock[]> {
    return this.blocks.listInForce(this.clock.now());
  }

  addBlock(block: NewOperatorBlock): Promise<PhoneBlock> {
    const now = this.clock.now();
    return this.blocks.insert({
      phone: 'phone' in block.target ? block.target.phone : null,
      prefix: 'prefix' in block.target ? block.target.prefix : null,
      source: 'operator',
      reason: block.reason,
      createdBy: block.createdBy,
      createdAt: now,
      expiresAt: new Date(now.getTime() + block.seconds * 1000),
    });
  }

  /**
   * Ends a block now (the row stays, for the guard's repeat count). Ending one that already
   * ended changes nothing.
   * @throws BlockNotFoundError when there is no block with this id.
   */
  async liftBlock(id: string, by: string): Promise<void> {
    if (!(await this.blocks.lift(id, by, this.clock.now()))) throw new BlockNotFoundError();
  }

  listAllowlist(): Promise<AllowlistEntry[]> {
    return this.allowlist.list();
  }

  /** @throws AlreadyAllowlistedError when the number or prefix has an entry already. */
  async addToAllowlist(entry: NewAllowlistEntry): Promise<AllowlistEntry> {
    try {
      return await this.allowlist.insert({
        phone: 'phone' in entry.target ? entry.target.phone : null,
        prefix: 'prefix' in entry.target ? entry.target.prefix : null,
        note: entry.note,
        createdBy: entry.createdBy,
        createdAt: this.clock.now(),
      });
    } catch (error) {
      const constraint = uniqueViolationConstraint(error);
      if (
        constraint === 'phone_allowlist_phone_key' ||
        constraint === 'phone_allowlist_prefix_key'
      ) {
        throw new AlreadyAllowlistedError();
      }
      throw error;
    }
  }

  /** @throws AllowlistEntryNotFoundError when there is no entry with this id. */
  async removeFromAllowlist(id: string): Promise<void> {
    if (!(await this.allowlist.delete(id))) throw new AllowlistEntryNotFoundError();
  }
}

/**
 * Of the blocks in force, the one that ends last; an automatic block does not apply to an
 * allowlisted number or prefix, an operator's does.
 */
function applyingBlock(inForce: readonly PhoneBlock[], allowlisted: boolean): BlockDecision | null {
  const applying = inForce.filter((block) => block.source === 'operator' || !allowlisted);
  if (applying.length === 0) return null;
  const last = applying.reduce((a, b) => (b.expiresAt > a.expiresAt ? b : a));
  return { until: last.expiresAt, reason: last.reason };
}
