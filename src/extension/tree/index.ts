// The explorer tree's public surface: the provider, the row kinds (a union on `type`, so tests and
// commands can narrow a row), and the context values package.json's menus select rows by.
import type { ConnectionNode } from './nodes/connection-node';
import type { DetailNode } from './nodes/detail-node';
import type { IndexNode } from './nodes/index-node';
import type { MessageNode } from './nodes/message-node';
import type { TableNode } from './nodes/table-node';

export { ExplorerTree } from './provider';
export { CONTEXT_VALUES, type ContextValue } from './context-values';
export { capacityText, capacityTooltip } from './capacity-text';
export type { ExplorerNode, TableScoped } from './nodes/node';

export type Node = ConnectionNode | TableNode | IndexNode | DetailNode | MessageNode;
