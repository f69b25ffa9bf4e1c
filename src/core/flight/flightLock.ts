import { randomUUID } from 'node:crypto';
import { describeError } from '../errors';
import { systemTimers, type Timer, type Timers } from '../timers';
import type { FlightCommands } from './flightCommands';
import { FlightLockUnavailableError } from './flightErrors';

// Only the holder that set a lock may delete or extend it: a holder whose lock expired must not remove the
// lock a waiter took over with since.
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const RENEW_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** A lock this instance holds: a random token under a key that expires unless renewed. */
export interface FlightLease {
  readonly key: string;
  readonly token: string;
  /** Extends the expiry to a full TTL again; false when the lock is no longer ours (it expired). */
  renew(): Promise<boolean>;
  /** Deletes the lock if it is still ours; false when it had expired or another holder has it. */
  release(): Promise<boolean>;
}

export interface FlightLockOptions {
  /** How long a lock lives without renewal: how long waiters wait for a holder that died. */
  ttlMs: number;
  /** Each command fails (FlightLockUnavailableError) when Redis has not answered within this. */
  commandTimeoutMs: number;
  /** What the command timeouts run on; Node's timers by default. */
  timers?: Timers;
}

/** Short Redis locks: SET NX PX with a random token, renewed and released by compare-and-set Lua scripts. */
export class FlightLock {
  private readonly timers: Timers;

  constructor(
    private readonly commands: FlightCommands,
    private readonly options: FlightLockOptions,
  ) {
    this.timers = options.timers ?? systemTimers;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  /** The lease when the lock was free, undefined when another holder has it; throws when Redis cannot say. */
  async acquire(key: string): Promise<FlightLease | undefined> {
    const token = randomUUID();
    const reply = await this.send('acquire', () => this.commands.set(key, token, 'PX', this.options.ttlMs, 'NX'));
    if (reply !== 'OK') return undefined;
    return {
      key,
      token,
      renew: async () => Number(await this.send('renew', () => this.commands.eval(RENEW_SCRIPT, 1, key, token, this.options.ttlMs))) === 1,
      release: async () => Number(await this.send('release', () => this.commands.eval(RELEASE_SCRIPT, 1, key, token))) === 1,
    };
  }

  private async send<T>(operation: string, command: () => Promise<T>): Promise<T> {
    let timer: Timer | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = this.timers.setTimeout(
        () => reject(new FlightLockUnavailableError(`flight lock ${operation}: no answer from Redis within ${this.options.commandTimeoutMs} ms`)),
        this.options.commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([command(), timeout]);
    } catch (error) {
      if (error instanceof FlightLockUnavailableError) throw error;
      throw new FlightLockUnavailableError(`flight lock ${operation}: ${describeError(error)}`, { cause: error });
    } finally {
      this.timers.clearTimeout(timer);
    }
  }
}
