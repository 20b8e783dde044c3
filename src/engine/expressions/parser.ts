// Parser: tokens → syntax tree, for each kind of DynamoDB expression.
//
// The grammar is parsed by recursive descent with ordered alternatives and backtracking; the
// syntax error reported is the farthest token any alternative reached, which is where DynamoDB's
// own (LL(*)) parser stops too. The tree keeps the tokens, so later stages can quote names and
// values exactly as written. Nothing here looks at ExpressionAttributeNames/Values or at the
// meaning of functions: that is validate.ts.
//
// Grammar (keywords case-insensitive):
//   condition   := or EOF
//   or          := and ( OR and )*
//   and         := not ( AND not )*
//   not         := NOT not | primary           (or/and/not are parsed in one loop)
//   primary     := operand comparator operand
//                | operand BETWEEN operand AND operand
//                | operand IN '(' operand ( ',' operand )* ')'
//                | '(' or ')'
//                | function
//   operand     := function | path | VALUE_REF | '(' operand ')'
//   function    := NAME '(' operand ( ',' operand )* ')'
//   path        := ( NAME | NAME_REF ) ( '.' ( NAME | NAME_REF ) | '[' NUMBER ']' )*
//   projection  := path ( ',' path )* EOF
//   update      := clause+ EOF
//   clause      := SET setAction ( ',' setAction )*
//                | REMOVE path ( ',' path )*
//                | ADD path VALUE_REF ( ',' path VALUE_REF )*
//                | DELETE path VALUE_REF ( ',' path VALUE_REF )*
//   setAction   := path '=' setValue
//   setValue    := operand ( '+' | '-' ) operand | operand | '(' setValue ')'

import { validation } from '../errors.js';
import { syntaxErrorDetail, tokenize, type Token, type TokenType } from './tokens.js';

export type ExpressionKind =
  | 'ConditionExpression'
  | 'FilterExpression'
  | 'KeyConditionExpression'
  | 'ProjectionExpression'
  | 'UpdateExpression';

// ---------------------------------------------------------------------------------------------
// Syntax tree

export type PathElementNode =
  | { readonly kind: 'name'; readonly token: Token }
  | { readonly kind: 'nameRef'; readonly token: Token }
  | { readonly kind: 'index'; readonly token: Token };

interface Wrapped {
  /** How many pairs of parentheses directly enclose this node. */
  parens: number;
}

export interface PathNode extends Wrapped {
  readonly kind: 'path';
  readonly elements: PathElementNode[];
}
export interface ValueNode extends Wrapped {
  readonly kind: 'value';
  readonly token: Token;
}
export interface FunctionNode extends Wrapped {
  readonly kind: 'function';
  readonly name: Token;
  readonly args: OperandNode[];
}
export interface ArithmeticNode extends Wrapped {
  readonly kind: 'arithmetic';
  readonly op: '+' | '-';
  readonly left: OperandNode;
  readonly right: OperandNode;
}
export type OperandNode = PathNode | ValueNode | FunctionNode;
export type SetValueNode = OperandNode | ArithmeticNode;

export type Comparator = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type ConditionNode =
  | (Wrapped & { readonly kind: 'or' | 'and'; readonly left: ConditionNode; readonly right: ConditionNode })
  | (Wrapped & { readonly kind: 'not'; readonly operand: ConditionNode })
  | (Wrapped & { readonly kind: 'compare'; readonly op: Comparator; readonly left: OperandNode; readonly right: OperandNode })
  | (Wrapped & { readonly kind: 'between'; readonly subject: OperandNode; readonly low: OperandNode; readonly high: OperandNode })
  | (Wrapped & { readonly kind: 'in'; readonly subject: OperandNode; readonly list: OperandNode[] })
  | (Wrapped & { readonly kind: 'call'; readonly fn: FunctionNode });

export type UpdateActionNode =
  | { readonly kind: 'SET'; readonly path: PathNode; readonly value: SetValueNode }
  | { readonly kind: 'REMOVE'; readonly path: PathNode }
  | { readonly kind: 'ADD' | 'DELETE'; readonly path: PathNode; readonly value: ValueNode };

export interface UpdateClauseNode {
  readonly kind: 'SET' | 'REMOVE' | 'ADD' | 'DELETE';
  readonly keyword: Token;
  readonly actions: UpdateActionNode[];
}

export interface UpdateNode {
  readonly clauses: UpdateClauseNode[];
}

export interface ProjectionNode {
  readonly paths: PathNode[];
}

// ---------------------------------------------------------------------------------------------
// Parser

const COMPARATORS: ReadonlySet<TokenType> = new Set(['=', '<>', '<', '<=', '>', '>=']);

class Parser {
  pos = 0;
  farthest = 0;
  /**
   * Token index just past the first doubly parenthesised node completed while parsing. DynamoDB
   * rejects redundant parentheses as soon as its parser completes such a node, so when the parse
   * fails later on, that error wins over the syntax error.
   */
  redundantAt = Infinity;

  constructor(readonly tokens: Token[]) {}

  peek(): TokenType {
    return this.tokens[this.pos]!.type;
  }

  /** Records that the alternative being tried stopped at the current token. */
  fail(): null {
    if (this.pos > this.farthest) this.farthest = this.pos;
    return null;
  }

  accept(type: TokenType): Token | null {
    const token = this.tokens[this.pos]!;
    if (token.type === type) {
      this.pos++;
      return token;
    }
    return this.fail();
  }

  // --- conditions ---

  /**
   * or / and / not in one loop (one stack frame per nesting level, so that deeply nested input
   * cannot exhaust the stack): NOT* primary ( (AND | OR) NOT* primary )*, AND binding tighter.
   */
  condition(): ConditionNode | null {
    const terms: ConditionNode[] = [];
    const ops: ('AND' | 'OR')[] = [];
    for (;;) {
      const termStart = this.pos;
      let nots = 0;
      while (this.accept('NOT')) nots++;
      let node = this.primary();
      if (!node) {
        this.pos = termStart;
        if (terms.length === 0) return null;
        // Give back the AND/OR that led here.
        this.pos--;
        ops.pop();
        break;
      }
      for (; nots > 0; nots--) node = { kind: 'not', operand: node, parens: 0 };
      terms.push(node);
      const type = this.peek();
      if (type !== 'AND' && type !== 'OR') {
        this.fail();
        break;
      }
      this.pos++;
      ops.push(type);
    }
    // AND groups first (left-associative), then OR between the groups.
    let or: ConditionNode | undefined;
    let and = terms[0]!;
    for (let i = 0; i < ops.length; i++) {
      const next = terms[i + 1]!;
      if (ops[i] === 'AND') and = { kind: 'and', left: and, right: next, parens: 0 };
      else {
        or = or ? { kind: 'or', left: or, right: and, parens: 0 } : and;
        and = next;
      }
    }
    return or ? { kind: 'or', left: or, right: and, parens: 0 } : and;
  }

  wrapped<T extends Wrapped>(node: T): T {
    if (++node.parens === 2 && this.pos < this.redundantAt) this.redundantAt = this.pos;
    return node;
  }

  primary(): ConditionNode | null {
    const start = this.pos;
    // operand comparator operand | operand BETWEEN operand AND operand | operand IN (...)
    const subject = this.operand();
    if (subject) {
      const type = this.peek();
      if (COMPARATORS.has(type)) {
        this.pos++;
        const right = this.operand();
        if (right) return { kind: 'compare', op: type as Comparator, left: subject, right, parens: 0 };
      } else if (type === 'BETWEEN') {
        this.pos++;
        const low = this.operand();
        if (low && this.accept('AND')) {
          const high = this.operand();
          if (high) return { kind: 'between', subject, low, high, parens: 0 };
        }
      } else if (type === 'IN') {
        this.pos++;
        if (this.accept('(')) {
          const list = this.operandList();
          if (list && this.accept(')')) return { kind: 'in', subject, list, parens: 0 };
        }
      } else {
        this.fail();
      }
      this.pos = start;
    }
    // '(' condition ')'
    if (this.accept('(')) {
      const inner = this.condition();
      if (inner && this.accept(')')) return this.wrapped(inner);
      this.pos = start;
    }
    // function used as a condition
    const fn = this.functionCall();
    if (fn) return { kind: 'call', fn, parens: 0 };
    this.pos = start;
    return null;
  }

  operandList(): OperandNode[] | null {
    const first = this.operand();
    if (!first) return null;
    const list = [first];
    for (;;) {
      const save = this.pos;
      if (!this.accept(',')) return list;
      const next = this.operand();
      if (!next) {
        this.pos = save;
        return list;
      }
      list.push(next);
    }
  }

  /** '(' operand ')' | function | path | VALUE_REF, with the parentheses counted in a loop. */
  operand(): OperandNode | null {
    const start = this.pos;
    let opens = 0;
    while (this.peek() === '(') {
      this.pos++;
      opens++;
    }
    const core = this.operandCore();
    if (!core) {
      this.pos = start;
      return null;
    }
    for (let i = 0; i < opens; i++) {
      if (!this.accept(')')) {
        this.pos = start;
        return null;
      }
      this.wrapped(core);
    }
    return core;
  }

  operandCore(): OperandNode | null {
    const start = this.pos;
    const type = this.peek();
    if (type === 'NAME' && this.tokens[this.pos + 1]!.type === '(') {
      const fn = this.functionCall();
      if (fn) return fn;
      this.pos = start;
    }
    if (type === 'NAME' || type === 'NAME_REF') return this.path();
    if (type === 'VALUE_REF') return { kind: 'value', token: this.tokens[this.pos++]!, parens: 0 };
    // Record the failure point: the alternatives all want a name, placeholder or '('.
    return this.fail();
  }

  functionCall(): FunctionNode | null {
    const start = this.pos;
    const name = this.accept('NAME');
    if (!name) return null;
    if (!this.accept('(')) {
      this.pos = start;
      return null;
    }
    const args = this.operandList();
    if (!args || !this.accept(')')) {
      this.pos = start;
      return null;
    }
    return { kind: 'function', name, args, parens: 0 };
  }

  path(): PathNode | null {
    const first = this.tokens[this.pos]!;
    if (first.type !== 'NAME' && first.type !== 'NAME_REF') return this.fail();
    this.pos++;
    const elements: PathElementNode[] = [{ kind: first.type === 'NAME' ? 'name' : 'nameRef', token: first }];
    for (;;) {
      const type = this.peek();
      if (type === '.') {
        const save = this.pos++;
        const t = this.tokens[this.pos]!;
        if (t.type === 'NAME' || t.type === 'NAME_REF') {
          this.pos++;
          elements.push({ kind: t.type === 'NAME' ? 'name' : 'nameRef', token: t });
          continue;
        }
        this.fail();
        this.pos = save;
        break;
      }
      if (type === '[') {
        const save = this.pos++;
        const t = this.accept('NUMBER');
        if (t && this.accept(']')) {
          elements.push({ kind: 'index', token: t });
          continue;
        }
        this.pos = save;
        break;
      }
      this.fail();
      break;
    }
    return { kind: 'path', elements, parens: 0 };
  }

  // --- projection ---

  projection(): ProjectionNode | null {
    const first = this.path();
    if (!first) return null;
    const paths = [first];
    while (this.accept(',')) {
      const next = this.path();
      if (!next) return null;
      paths.push(next);
    }
    return { paths };
  }

  // --- update ---

  update(): UpdateNode | null {
    const clauses: UpdateClauseNode[] = [];
    for (;;) {
      const clause = this.clause();
      if (!clause) break;
      clauses.push(clause);
    }
    return clauses.length ? { clauses } : null;
  }

  clause(): UpdateClauseNode | null {
    const keyword = this.tokens[this.pos]!;
    const kind = keyword.type;
    if (kind !== 'SET' && kind !== 'REMOVE' && kind !== 'ADD' && kind !== 'DELETE') return this.fail();
    const start = this.pos++;
    const actions: UpdateActionNode[] = [];
    for (;;) {
      const action = this.action(kind);
      if (!action) {
        if (actions.length === 0) {
          this.pos = start;
          return null;
        }
        // The ',' consumed before the missing action is not part of the clause.
        this.pos--;
        break;
      }
      actions.push(action);
      if (!this.accept(',')) break;
    }
    return { kind, keyword, actions };
  }

  action(kind: 'SET' | 'REMOVE' | 'ADD' | 'DELETE'): UpdateActionNode | null {
    const start = this.pos;
    const path = this.path();
    if (!path) return null;
    if (kind === 'REMOVE') return { kind, path };
    if (kind === 'SET') {
      if (this.accept('=')) {
        const value = this.setValue();
        if (value) return { kind, path, value };
      }
    } else {
      const token = this.accept('VALUE_REF');
      if (token) return { kind, path, value: { kind: 'value', token, parens: 0 } };
    }
    this.pos = start;
    return null;
  }

  setValue(): SetValueNode | null {
    const start = this.pos;
    const left = this.operand();
    if (left) {
      const type = this.peek();
      if (type === '+' || type === '-') {
        this.pos++;
        const right = this.operand();
        if (right) return { kind: 'arithmetic', op: type, left, right, parens: 0 };
        this.pos = start;
      } else {
        this.fail();
        return left;
      }
    }
    if (this.accept('(')) {
      const inner = this.setValue();
      if (inner && this.accept(')')) return this.wrapped(inner);
    }
    this.pos = start;
    return null;
  }

  /** Requires the end of input after a successful parse; otherwise throws the syntax error. */
  finish<T>(kind: ExpressionKind, text: string, node: T | null): T {
    if (node && this.peek() === 'EOF') return node;
    if (node) this.fail();
    if (this.redundantAt <= this.farthest) throw validation(`Invalid ${kind}: The expression has redundant parentheses;`);
    throw validation(`Invalid ${kind}: ${syntaxErrorDetail(text, this.tokens, this.farthest)}`);
  }
}

function run<T>(kind: ExpressionKind, text: string, parse: (p: Parser) => T | null): T {
  const parser = new Parser(tokenize(text));
  let node: T | null;
  try {
    node = parse(parser);
  } catch (e) {
    // Pathologically deep nesting: report it where the parser stood, as a syntax error.
    if (e instanceof RangeError) {
      throw validation(`Invalid ${kind}: ${syntaxErrorDetail(text, parser.tokens, parser.farthest)}`);
    }
    throw e;
  }
  return parser.finish(kind, text, node);
}

export function parseCondition(text: string, kind: ExpressionKind = 'ConditionExpression'): ConditionNode {
  return run(kind, text, (p) => p.condition());
}

export function parseProjection(text: string): ProjectionNode {
  return run('ProjectionExpression', text, (p) => p.projection());
}

export function parseUpdate(text: string): UpdateNode {
  return run('UpdateExpression', text, (p) => p.update());
}
