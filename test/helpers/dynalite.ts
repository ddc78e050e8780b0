/**
 * In-memory DynamoDB for tests. The implementation lives in `local/dynamo.ts` (shared with the local stack,
 * `npm start`); this module re-exports it so tests keep importing from `test/helpers`.
 */
export { createTables, type LocalDynamo, startDynalite, useLocalDynamoEnv } from '../../local/dynamo';
