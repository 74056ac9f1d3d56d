// Leader election on a coordination.k8s.io/v1 Lease, as client-go does it: the holder renews
// spec.renewTime every renewInterval; a candidate takes the lease over only after it has seen
// the same record unchanged for leaseDurationSeconds of its own clock (no cross-node clock
// comparison), and every write carries the resourceVersion it read, so two candidates racing
// for an expired lease get one success and one 409 Conflict.
import type { V1Lease } from '@kubernetes/client-node';
import type { KubeClients } from './client.js';
import { apiStatus, sleep } from './client.js';

export interface LeaderElectorOptions {
  namespace: string;
  name: string;
  /** Unique per candidate (the pod name in a cluster). */
  identity: string;
  leaseDurationSeconds: number;
  /** How often the leader renews (default: a third of the lease duration). */
  renewIntervalMs?: number;
  /** How often a passive candidate re-reads the lease (default: the renew interval). */
  retryIntervalMs?: number;
  /** Called once when a held lease could not be renewed in time: stop acting. */
  onLost?: (reason: string) => void;
  now?: () => number;
}

export type LeaseState = 'follower' | 'leader' | 'stopped';

export class LeaderElector {
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;
  private observed: { key: string; at: number } | undefined;
  private lastRenew = 0;
  private loop: Promise<void> | undefined;
  private readonly stop = new AbortController();
  state: LeaseState = 'follower';

  constructor(
    private readonly clients: KubeClients,
    private readonly options: LeaderElectorOptions,
  ) {
    if (!options.identity) throw new TypeError('identity must be a non-empty string');
    if (!(options.leaseDurationSeconds > 0)) throw new RangeError('leaseDurationSeconds must be > 0');
    this.renewMs = options.renewIntervalMs ?? (options.leaseDurationSeconds * 1000) / 3;
    this.retryMs = options.retryIntervalMs ?? this.renewMs;
    this.now = options.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.state === 'leader';
  }

  /** One election round: create, renew or take over the lease. True when this candidate holds it now. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { namespace, name, identity } = this.options;
    const nowIso = new Date(this.now()).toISOString();
    let lease: V1Lease;
    try {
      lease = await this.clients.coordination.readNamespacedLease({ name, namespace });
    } catch (error) {
      if (apiStatus(error) !== 404) throw error;
      try {
        await this.clients.coordination.createNamespacedLease({
          namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: this.options.leaseDurationSeconds,
              acquireTime: nowIso as unknown as Date,
              renewTime: nowIso as unknown as Date,
              leaseTransitions: 0,
            },
          },
        });
        return this.became(true);
      } catch (createError) {
        if (apiStatus(createError) === 409) return this.became(false); // someone else created it first
        throw createError;
      }
    }

    const spec = lease.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const key = `${lease.metadata?.resourceVersion}|${holder}|${String(spec.renewTime)}`;
    if (this.observed?.key !== key) this.observed = { key, at: this.now() };
    const duration = (spec.leaseDurationSeconds ?? this.options.leaseDurationSeconds) * 1000;
    const expired = holder === '' || this.now() - this.observed.at >= duration;
    if (holder !== identity && !expired) return this.became(false);

    const takeover = holder !== identity;
    const body: V1Lease = {
      ...lease,
      spec: {
        ...spec,
        holderIdentity: identity,
        leaseDurationSeconds: this.options.leaseDurationSeconds,
        renewTime: nowIso as unknown as Date,
        ...(takeover
          ? { acquireTime: nowIso as unknown as Date, leaseTransitions: (spec.leaseTransitions ?? 0) + 1 }
          : {}),
      },
    };
    try {
      await this.clients.coordination.replaceNamespacedLease({ name, namespace, body });
      return this.became(true);
    } catch (error) {
      if (apiStatus(error) === 409) return this.became(false); // lost the race; re-read next round
      throw error;
    }
  }

  /** Resolves once this candidate leads (passive until then), then keeps renewing in the background. */
  async waitForLeadership(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (this.state === 'stopped') throw new Error('leader elector stopped');
      let acquired = false;
      try {
        acquired = await this.tryAcquireOrRenew();
      } catch {
        acquired = false; // API unavailable: stay passive and retry
      }
      if (acquired) break;
      await sleep(this.retryMs, signal);
    }
    this.loop ??= this.renewLoop();
  }

  /**
   * Stops renewing; when leading, clears the holder so a standby takes over at once
   * (`handOver: false` just stops, as a crash would: the others wait for the lease to expire).
   */
  async release(options: { handOver?: boolean } = {}): Promise<void> {
    const wasLeader = this.state === 'leader' && options.handOver !== false;
    this.state = 'stopped';
    this.stop.abort(new Error('released'));
    await this.loop?.catch(() => {});
    if (!wasLeader) return;
    const { namespace, name, identity } = this.options;
    try {
      const lease = await this.clients.coordination.readNamespacedLease({ name, namespace });
      if (lease.spec?.holderIdentity !== identity) return;
      await this.clients.coordination.replaceNamespacedLease({
        name,
        namespace,
        body: { ...lease, spec: { ...lease.spec, holderIdentity: '' } },
      });
    } catch {
      // Best effort: the lease expires on its own.
    }
  }

  private became(leader: boolean): boolean {
    if (this.state === 'stopped') return leader;
    if (leader) this.lastRenew = this.now();
    this.state = leader ? 'leader' : 'follower';
    return leader;
  }

  private async renewLoop(): Promise<void> {
    const duration = this.options.leaseDurationSeconds * 1000;
    while (this.state === 'leader') {
      try {
        await sleep(this.renewMs, this.stop.signal);
      } catch {
        return;
      }
      let outcome: 'renewed' | 'taken' | 'error';
      try {
        outcome = (await this.tryAcquireOrRenew()) ? 'renewed' : 'taken';
      } catch {
        outcome = 'error';
      }
      if ((this.state as LeaseState) === 'stopped') return;
      // An API error is retried until the lease would have expired for the others.
      if (outcome === 'taken' || (outcome === 'error' && this.now() - this.lastRenew >= duration)) {
        this.state = 'follower';
        this.options.onLost?.(`lease ${this.options.name} lost by ${this.options.identity}`);
        return;
      }
    }
  }
}
