import { abandonedLivesSweepIntervalMs } from '../live/index.js';
import { disconnectedStreamsSweepIntervalMs } from '../live/streams.js';
import { BATTLE_SWEEP_INTERVAL_MS } from '../stage/battles.js';
import { OUTBOX_SWEEP_INTERVAL_MS } from '../outbox/relay.js';
import { defineJob, type Job } from '../shared/jobs.js';
import type { Metrics } from './metrics.js';
import type { Services } from './services.js';
import type { Settings } from './settings.js';

/** Every job a server process runs in the background (see docs/operations.md#background-jobs). */
export function backgroundJobs(services: Services, { config, modules }: Settings, metrics?: Pick<Metrics, 'reconciled' | 'webhooksAttempted'>): Job[] {
  return [
    defineJob({
      name: 'reconcile-orders',
      intervalMs: config.payments.reconcileIntervalMs,
      // A run asks the payment provider about every open order: more processes would only ask it the same again.
      oneProcessAtATime: true,
      run: (signal) => services.orders.reconcile({ signal }),
      logOutcome(report, logger) {
        metrics?.reconciled(report);
        const fixed = report.credited.length + report.failed.length + report.clawedBack.length + report.refunded.length;
        if (fixed > 0 || report.unresolved.length > 0) logger.warn({ report }, `reconciliation settled ${fixed} order(s)`);
      },
    }),
    defineJob({
      name: 'claw-back-voided-purchases',
      intervalMs: modules.appStore.google?.voidedPollIntervalMs ?? 0,
      // Each clawback is once by itself, but two processes would ask Google the same again.
      oneProcessAtATime: true,
      run: (signal) => services.orders.clawBackVoidedPurchases(signal),
      logOutcome(report, logger) {
        if (report !== undefined && report.clawedBack.length + report.unresolved.length > 0) logger.warn({ report }, `clawed back ${report.clawedBack.length} voided app-store purchase(s)`);
      },
    }),
    defineJob({
      name: 'repair-payouts',
      intervalMs: modules.payouts.repairIntervalMs,
      // Two processes repairing at once would send the same stale payout to the provider together.
      oneProcessAtATime: true,
      run: () => services.payouts.repair(),
    }),
    defineJob({
      name: 'deliver-webhooks',
      intervalMs: config.webhooks.deliveryIntervalMs,
      // Claims keep processes from sending the same attempt, so they share the sending.
      oneProcessAtATime: false,
      run: (signal) => services.webhooks.deliverDue(signal),
      logOutcome(report, logger) {
        metrics?.webhooksAttempted(report);
        if (report.attempted > 0) logger.debug({ report }, `made ${report.attempted} webhook attempt(s)`);
      },
    }),
    defineJob({
      name: 'end-abandoned-lives',
      intervalMs: abandonedLivesSweepIntervalMs(config.live.creatorTimeoutMs),
      // One update ends each live once, and a run that finds none is a single query: no cheaper than a lock.
      oneProcessAtATime: false,
      run: () => services.lives.endAbandoned(),
      logOutcome(ended, logger) {
        if (ended.length > 0) logger.info({ lives: ended }, `ended ${ended.length} live(s) whose creator stopped heartbeating`);
      },
    }),
    defineJob({
      name: 'end-disconnected-streams',
      intervalMs: disconnectedStreamsSweepIntervalMs(modules.streams.reconnectGraceMs),
      // One update ends each live once, as for abandoned lives; a stream publishing again first keeps its live.
      oneProcessAtATime: false,
      run: () => services.streams.endDisconnected(),
      logOutcome(ended, logger) {
        if (ended.length > 0) logger.info({ lives: ended }, `ended ${ended.length} live(s) whose stream stopped and did not come back`);
      },
    }),
    defineJob({
      name: 'end-due-battles',
      intervalMs: BATTLE_SWEEP_INTERVAL_MS,
      // Closing a battle is one conditional update and its result one insert, so processes sweeping together record it once.
      oneProcessAtATime: false,
      run: () => services.battles.endDue(),
      logOutcome(recorded, logger) {
        if (recorded.length > 0) logger.info({ battles: recorded }, `recorded the result of ${recorded.length} battle(s)`);
      },
    }),
    defineJob({
      name: 'renew-subscriptions',
      intervalMs: modules.subscriptions.renewalIntervalMs,
      // A month's transfer is keyed by its subscription and period, so processes renewing together charge it once.
      oneProcessAtATime: false,
      run: (signal) => services.subscriptions.renewDue(signal),
      logOutcome(report, logger) {
        if (report.renewed + report.failed + report.ended + report.repaired > 0) logger.info({ report }, `renewed ${report.renewed} subscription(s), ${report.failed} failed, ${report.ended} ended`);
      },
    }),
    defineJob({
      name: 'sweep-outbox',
      intervalMs: OUTBOX_SWEEP_INTERVAL_MS,
      // Receivers drop repeats by id, and a process whose bus is down must not hold up the others' sweeps.
      oneProcessAtATime: false,
      run: () => services.relay.sweep(),
      logOutcome(count, logger) {
        if (count > 0) logger.warn({ messages: count }, `relayed ${count} outbox message(s) left unpublished`);
      },
    }),
  ];
}
