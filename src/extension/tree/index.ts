// The explorer tree's public surface: the provider, the row kinds (a union on `type`, so tests and
// commands can narrow a row), and the context values package.json's menus select rows by.
import type { BackupNode } from './nodes/backup-node';
import type { BackupsNode } from './nodes/backups-node';
import type { ConnectionNode } from './nodes/connection-node';
import type { DetailNode } from './nodes/detail-node';
import type { IndexNode } from './nodes/index-node';
import type { MessageNode } from './nodes/message-node';
import type { PitrNode } from './nodes/pitr-node';
import type { ShardNode } from './nodes/shard-node';
import type { StreamNode } from './nodes/stream-node';
import type { TableNode } from './nodes/table-node';
import type { TtlNode } from './nodes/ttl-node';

export { ExplorerTree } from './provider';
export { CONTEXT_VALUES, type ContextValue } from './context-values';
export { capacityText, capacityTooltip } from './capacity-text';
export type { ExplorerNode, TableScoped } from './nodes/node';

export type Node = ConnectionNode | TableNode | IndexNode | DetailNode | MessageNode | StreamNode | ShardNode | TtlNode | BackupsNode | PitrNode | BackupNode;
