// The statements DynamoDB's PartiQL accepts, as the parser produces them. Values may hold `?`
// parameters at any depth ({'pk': ?}, [1, ?]); they are bound at execution, so one parsed
// statement serves every call with the same text.
import type { AttributeValue } from '../types/attribute-value';

/** One step of a document path: an attribute or map key by name, or a list element. */
export type PathStep = { readonly name: string } | { readonly index: number };

export type Expr =
  | { readonly k: 'path'; readonly steps: readonly PathStep[] }
  | { readonly k: 'value'; readonly value: AttributeValue }
  | { readonly k: 'param'; readonly index: number; /** 1-based line:column in messages. */ readonly at: string }
  | { readonly k: 'map'; readonly entries: ReadonlyArray<readonly [string, Expr]> }
  | { readonly k: 'list'; readonly items: readonly Expr[] }
  | { readonly k: 'set'; readonly items: readonly Expr[]; /** Each item's line:column. */ readonly at: readonly string[] }
  | { readonly k: 'compare'; readonly op: '=' | '<>' | '<' | '<=' | '>' | '>='; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'between'; readonly operand: Expr; readonly low: Expr; readonly high: Expr }
  | { readonly k: 'in'; readonly operand: Expr; readonly items: readonly Expr[] }
  | { readonly k: 'and' | 'or'; readonly left: Expr; readonly right: Expr }
  | { readonly k: 'not'; readonly operand: Expr }
  | { readonly k: 'missing'; readonly operand: Expr; readonly negated: boolean }
  | { readonly k: 'call'; readonly name: string; readonly args: readonly Expr[] }
  | { readonly k: 'arith'; readonly op: '+' | '-'; readonly left: Expr; readonly right: Expr };

export type ReturnWhat = 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';

export interface Select {
  readonly kind: 'select';
  readonly table: string;
  readonly index?: string;
  /** undefined for `*`. */
  readonly projection?: ReadonlyArray<Extract<Expr, { k: 'path' }>>;
  readonly where?: Expr;
  /** ORDER BY ... DESC: a Query read backwards. */
  readonly descending?: boolean;
}

export interface Insert {
  readonly kind: 'insert';
  readonly table: string;
  readonly value: Expr;
  /** line:column of the value, for DynamoDB's message when it is not a map. */
  readonly valueAt: string;
}

export interface SetAction {
  readonly path: Extract<Expr, { k: 'path' }>;
  readonly value: Expr;
}

export interface Update {
  readonly kind: 'update';
  readonly table: string;
  readonly sets: readonly SetAction[];
  readonly removes: ReadonlyArray<Extract<Expr, { k: 'path' }>>;
  readonly where?: Expr;
  readonly returning?: ReturnWhat;
}

export interface Delete {
  readonly kind: 'delete';
  readonly table: string;
  readonly where?: Expr;
  readonly returning?: ReturnWhat;
}

/** `EXISTS(SELECT * FROM t WHERE <key>)`: a condition check, only inside ExecuteTransaction. */
export interface Exists {
  readonly kind: 'exists';
  readonly select: Select;
}

export type Statement = Select | Insert | Update | Delete | Exists;
