export { timeBound } from './routes.js';
export { cursorOf, describeTransaction, instantOf, quantity, referenceOf, seqOfCursor, transferKind, type TransactionFilter, type TransactionPage, type WalletTransaction } from './transactions.js';
