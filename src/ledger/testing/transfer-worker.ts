/**
 * A separate server process for the multi-process test: opens the database at
 * argv[2] and moves coins between the shared wallets with its own batching
 * writer, then prints what it committed as JSON on stdout. Its callers submit
 * one transfer after another, so its batches are many and small, and the two
 * processes' batches take turns on the same accounts.
 */
import { openDatabase } from '../../db/database.js';
import { createLedger } from '../ledger.js';
import { LedgerError } from '../errors.js';
import { coinMove } from './fixtures.js';

const [url, name, walletList, countText] = process.argv.slice(2);
const wallets = walletList!.split(',');
const db = openDatabase(url!);
const ledger = createLedger(db, { writers: 2 });
const net = new Map<string, bigint>();
let committed = 0;
let refused = 0;
const random = (n: number) => Math.floor(Math.random() * n);
const CALLERS = 20;
const count = Number(countText);
let next = 0;
await Promise.all(
  Array.from({ length: CALLERS }, async () => {
    for (let i = next++; i < count; i = next++) await transferOnce(i);
  }),
);

async function transferOnce(i: number): Promise<void> {
  const from = wallets[random(wallets.length)]!;
  const to = wallets.filter((w) => w !== from)[random(wallets.length - 1)]!;
  const amount = 1 + random(5);
  try {
    await ledger.submit({ type: 'posted', idempotencyKey: `${name}-${i}`, legs: coinMove(from, to, amount) });
    // A retry of the same key from this process must not move anything again.
    if (i % 10 === 0) await ledger.submit({ type: 'posted', idempotencyKey: `${name}-${i}`, legs: coinMove(from, to, amount) });
    net.set(from, (net.get(from) ?? 0n) - BigInt(amount));
    net.set(to, (net.get(to) ?? 0n) + BigInt(amount));
    committed += 1;
  } catch (error) {
    if (!(error instanceof LedgerError) || error.code !== 'insufficient_funds') throw error;
    refused += 1;
  }
}
await ledger.close();
await db.close();
const report = JSON.stringify({ committed, refused, net: Object.fromEntries([...net].map(([k, v]) => [k, v.toString()])) });
// Exit once the report is out: the tsx loader can hold the process open for seconds after the work is done.
process.stdout.write(report, () => process.exit(0));
