/** Why the ledger refused a request. Every refusal changes nothing. */
export type LedgerErrorCode =
  | 'invalid_request'
  | 'invalid_amount'
  | 'invalid_asset'
  | 'unbalanced'
  | 'unknown_account'
  | 'asset_mismatch'
  | 'insufficient_funds'
  | 'balance_overflow'
  | 'idempotency_conflict'
  | 'pending_not_found'
  | 'pending_already_resolved'
  | 'transfer_not_found'
  | 'not_reversible'
  | 'already_reversed'
  | 'nothing_to_sweep'
  | 'authorization_changed'
  | 'ledger_closed'
  | 'ledger_overloaded';

export class LedgerError extends Error {
  override readonly name = 'LedgerError';
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
