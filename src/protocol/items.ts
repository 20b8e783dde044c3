// Messages of the items panel (webview/items): browse, query and edit the items of one table.
import type { AttributeValue, Item, ItemTextFormat } from './dynamo-json';
import type { RpcError } from './rpc';

export interface KeyElement {
  name: string;
  type: 'S' | 'N' | 'B';
}

export interface IndexInfo {
  name: string;
  kind: 'GSI' | 'LSI';
  /** the first partition attribute (the only one for an LSI and most GSIs) */
  partitionKey: KeyElement;
  /** the first sort attribute */
  sortKey?: KeyElement;
  /** every partition attribute of a multi-attribute GSI key, in key-schema order (1 to 4); absent means [partitionKey] */
  partitionKeys?: KeyElement[];
  /** every sort attribute, in key-schema order (0 to 4); absent means [sortKey] or [] */
  sortKeys?: KeyElement[];
  projection: string;
}

export interface TableInfo {
  connectionId: string;
  connectionLabel: string;
  tableName: string;
  partitionKey: KeyElement;
  sortKey?: KeyElement;
  indexes: IndexInfo[];
  billingMode: 'PAY_PER_REQUEST' | 'PROVISIONED';
  itemCount?: number;
  sizeBytes?: number;
  /** operations this connection answers (the embedded engine is still growing) */
  supports: { query: boolean; scan: boolean; batchWrite: boolean; consumedCapacity: boolean };
}

export type KeyOperator = '=' | '<' | '<=' | '>' | '>=' | 'BETWEEN' | 'begins_with';
export type FilterOperator = KeyOperator | '<>' | 'attribute_exists' | 'attribute_not_exists' | 'contains' | 'attribute_type' | 'IN';

export interface FilterClause {
  attribute: string;
  operator: FilterOperator;
  /** value(s) as typed by the user; typed by `valueType` */
  values: string[];
  /** follows the attribute's type (key schema, loaded items) until the user picks one */
  valueType: FilterValueType;
  /** the user picked `valueType` by hand: it no longer follows the attribute */
  typeChosen?: boolean;
}

export type FilterValueType = 'S' | 'N' | 'BOOL' | 'NULL';

export interface SortCondition {
  operator: KeyOperator;
  /** one value, or two for BETWEEN */
  values: string[];
}

export interface QuerySpec {
  mode: 'scan' | 'query';
  /** undefined = the table itself */
  indexName?: string;
  /** Query: value of the partition key of the table or index */
  partitionValue?: string;
  sortOperator?: KeyOperator;
  sortValues?: string[];
  /**
   * Query of a multi-attribute key: one value per partition attribute, in key-schema order; when
   * set it replaces `partitionValue`.
   */
  partitionValues?: string[];
  /**
   * Query: one condition per sort attribute, in key-schema order, on a leading run of them (every
   * one but the last an equality); when set it replaces `sortOperator`/`sortValues`.
   */
  sortConditions?: SortCondition[];
  /** builder clauses, ANDed */
  filters: FilterClause[];
  /** raw-expression mode: used instead of the builder when set */
  raw?: {
    keyConditionExpression?: string;
    filterExpression?: string;
    /** JSON text */
    names?: string;
    /** JSON text, DynamoDB JSON values */
    values?: string;
  };
  pageSize: number;
  descending?: boolean;
  consistentRead?: boolean;
}

export interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
  Table?: { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };
  GlobalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
  LocalSecondaryIndexes?: Record<string, { CapacityUnits?: number }>;
}

export interface PageResult {
  items: Item[];
  count: number;
  scannedCount: number;
  lastEvaluatedKey?: Item;
  consumed?: ConsumedCapacity;
  /** the request as sent (for the raw-expression view) */
  request: Record<string, unknown>;
  elapsedMs: number;
}

export interface SaveRequest {
  item: Item;
  /** the item as loaded: if given, the save is conditional on the stored item still equalling it */
  original?: Item;
  /** true when creating: fails if an item with the key exists */
  create?: boolean;
}

export type SaveResult = { ok: true; item: Item } | { ok: false; conflict: true; current?: Item; message: string };

export interface PanelSession {
  table: TableInfo;
  spec?: QuerySpec;
  items: Item[];
  lastEvaluatedKey?: Item;
  lastResult?: Omit<PageResult, 'items'>;
  pageSizeDefault: number;
  /** the item editor's format last chosen for this table, in any panel of it this session */
  editorFormat?: ItemTextFormat;
  /** an editor the host asked to open (put item command) */
  openEditor?: { mode: 'create' | 'edit'; item?: Item };
  /** a query the host asked to show (a request opened from the request inspector): it replaces the page's saved one */
  showQuery?: QuerySpec;
}

/** webview -> host requests: method -> [params, result] */
export type ItemsRequests = {
  ready: [void, PanelSession];
  fetch: [{ spec: QuerySpec; exclusiveStartKey?: Item }, PageResult];
  save: [SaveRequest, SaveResult];
  delete: [{ keys: Item[] }, { deleted: number; errors: RpcError[] }];
  get: [{ key: Item }, Item | undefined];
  updateAttribute: [{ key: Item; name: string; value: AttributeValue; original?: AttributeValue }, SaveResult];
  confirm: [{ message: string; action: string }, boolean];
  copy: [{ text: string }, void];
  describe: [void, TableInfo];
};

/** host -> webview notifications */
export type ItemsHostNotifications = {
  openEditor: { mode: 'create' | 'edit'; item?: Item };
  /** show and run this query (a Query or Scan opened from the request inspector) */
  showQuery: QuerySpec;
  tableChanged: TableInfo;
  refresh: void;
};

/** webview -> host notifications */
export type ItemsViewNotifications = {
  status: { message: string };
  /** the user chose another format in the item editor: remembered per table */
  editorFormat: { format: ItemTextFormat };
};

export const DEFAULT_SPEC = (pageSize: number): QuerySpec => ({ mode: 'scan', filters: [], pageSize });
