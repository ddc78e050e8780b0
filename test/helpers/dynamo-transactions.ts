/**
 * dynalite transaction proxy for tests. The implementation lives in `local/dynamo-transactions.ts` (the local stack,
 * `npm start`, runs the admin API's transactional writes through it too); this module re-exports it so tests keep
 * importing from `test/helpers`.
 */
export { startTransactionProxy, type TransactionProxy } from '../../local/dynamo-transactions';
