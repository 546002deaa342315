export { answersCsv, csvDownload, timeBound } from './routes.js';
export {
  CSV_MAX_ROWS,
  csvOf,
  cursorOf,
  describeTransaction,
  instantOf,
  quantity,
  referenceOf,
  seqOfCursor,
  transferKind,
  type TransactionFilter,
  type TransactionPage,
  type WalletTransaction,
} from './transactions.js';
