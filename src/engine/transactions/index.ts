// Transactions: TransactWriteItems (write.ts) and TransactGetItems (read.ts), thin operations in
// operations/transact-*.ts.
//
//   transactWrite(db, input)  up to 100 Put / Update / Delete / ConditionCheck actions over any
//        tables, one per item, 4 MB in all; every action planned with operations/write-plan.ts,
//        then one db.commit: one log record, so a crash keeps all of it or none
//   transactGet(db, input)    up to 100 Gets, all read from one state
//
// Refusals: a malformed request is a plain ValidationException (or ResourceNotFoundException for
// a missing table); a refusal of one action that depends on what is stored is a
// TransactionCanceledException whose CancellationReasons (cancellation.ts) list, in action order,
// None, ConditionalCheckFailed (with the item for ReturnValuesOnConditionCheckFailure ALL_OLD),
// ValidationError, ItemCollectionSizeLimitExceeded or ThrottlingError. ClientRequestToken idempotency: idempotency.ts.
//
// Invariants: the engine runs one request at a time, and a transaction runs from its first read
// to its commit in one synchronous turn, so it is serializable against every request (reads,
// batches, TTL deletions, other transactions) with no locks and no copy-and-roll-back; a
// cancelled transaction changes nothing, not even the codec's dictionary.
export { transactWrite, MAX_TRANSACTION_ACTIONS, MAX_TRANSACTION_BYTES, type TransactWriteItemsInput } from './write';
export { transactGet, type TransactGetItemsInput } from './read';
export { transactionCanceled, type CancellationReason } from './cancellation';
export { IDEMPOTENCY_WINDOW_MS } from './idempotency';
