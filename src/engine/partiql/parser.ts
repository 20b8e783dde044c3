// Recursive-descent parser for the PartiQL subset DynamoDB serves. Keywords are case-insensitive;
// table, index and attribute names are bare identifiers or "quoted" ones. Every syntax error is
// DynamoDB's single "Statement wasn't well formed" message.
//
//   statement  := (select | insert | update | delete | exists) [';']
//   select     := SELECT ('*' | path (',' path)*) FROM name ['.' name] [WHERE expr]
//                 [ORDER BY path [ASC | DESC]]
//   insert     := INSERT INTO name VALUE map            (RETURNING parsed, then refused)
//   update     := UPDATE name (SET assign (',' assign)* | REMOVE path)+
//                 [WHERE expr] [returning]
//   delete     := DELETE FROM name [WHERE expr] [returning]
//   exists     := EXISTS '(' select ')'                      (ExecuteTransaction only)
//   returning  := RETURNING (ALL | MODIFIED) (OLD | NEW) '*'
//   assign     := path '=' sum
//   expr       := conj (OR conj)*
//   conj       := neg (AND neg)*
//   neg        := NOT neg | predicate
//   predicate  := sum [ cmp sum | [NOT] BETWEEN sum AND sum | [NOT] IN ('[' exprs ']' | '(' exprs ')')
//                     | IS [NOT] (MISSING | NULL) ]
//   cmp        := '=' | '<>' | '!=' | '<' | '<=' | '>' | '>='
//   sum        := primary (('+' | '-') primary)*
//   primary    := '(' expr ')' | '?' | literal | ident '(' [expr (',' expr)*] ')' | path
//   path       := name ('.' name | '[' integer ']' | '[' string ']')*
//   literal    := string | ['-'] number | TRUE | FALSE | NULL | map | list | set
//   map        := '{' [string ':' expr (',' string ':' expr)*] '}'
//   list       := '[' [expr (',' expr)*] ']'      set := '<<' [expr (',' expr)*] '>>'
import type { Delete, Expr, Insert, PathStep, ReturnWhat, Select, Statement, Update } from './ast';
import { malformed, tokenize, type Token } from './tokens';
import { validation } from '../errors';

type PathExpr = Extract<Expr, { k: 'path' }>;

/** DynamoDB's limit on the operands of one IN, whatever they test (the partition key's own, 50, is plan.ts's). */
export const MAX_IN_OPERANDS = 100;

/** How both IN refusals begin: ExecuteTransaction names the statement in front of them (and not of a syntax error). */
export const TOO_MANY_IN = 'The IN operator is provided with too many';

/** DynamoDB's refusal of an IN with `count` operands, over one of its limits. */
export const tooManyInOperands = (count: number) => validation(`${TOO_MANY_IN} operands; number of operands: ${count}`);

class Parser {
  private pos = 0;
  private params = 0;
  /** The operand count of the first IN over MAX_IN_OPERANDS: refused once the statement is known to be well formed, as DynamoDB does. */
  private oversizedIn: number | undefined;
  private readonly tokens: Token[];

  constructor(private readonly statement: string) {
    this.tokens = tokenize(statement);
  }

  /** DynamoDB's "line:column" of an offset. */
  position(offset: number): string {
    const before = this.statement.slice(0, offset).split('\n');
    return `${before.length}:${before[before.length - 1].length + 1}`;
  }

  fail(): never {
    throw malformed(this.statement);
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)];
  }

  private isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  private keyword(word: string): void {
    if (!this.acceptKeyword(word)) this.fail();
  }

  private isPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }

  private acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.pos++;
    return true;
  }

  private punct(p: string): void {
    if (!this.acceptPunct(p)) this.fail();
  }

  /** The number of `?` seen, in order: each parameter's index in the request's Parameters. */
  get parameterCount(): number {
    return this.params;
  }

  parse(): Statement {
    let s: Statement;
    if (this.isKeyword('SELECT')) s = this.select();
    else if (this.acceptKeyword('INSERT')) s = this.insert();
    else if (this.acceptKeyword('UPDATE')) s = this.update();
    else if (this.acceptKeyword('DELETE')) s = this.delete();
    else if (this.acceptKeyword('EXISTS')) {
      this.punct('(');
      const select = this.select();
      this.punct(')');
      s = { kind: 'exists', select };
    } else this.fail();
    this.acceptPunct(';');
    if (this.peek().kind !== 'end') this.fail();
    if (this.oversizedIn !== undefined) throw tooManyInOperands(this.oversizedIn);
    return s;
  }

  private name(): string {
    const t = this.peek();
    if (t.kind !== 'ident' && t.kind !== 'quoted') this.fail();
    this.pos++;
    return t.text;
  }

  private select(): Select {
    this.keyword('SELECT');
    let projection: PathExpr[] | undefined;
    if (!this.acceptPunct('*')) {
      projection = [this.path()];
      while (this.acceptPunct(',')) projection.push(this.path());
    }
    this.keyword('FROM');
    const table = this.name();
    const index = this.acceptPunct('.') ? this.name() : undefined;
    const where = this.acceptKeyword('WHERE') ? this.expr() : undefined;
    let descending: boolean | undefined;
    if (this.acceptKeyword('ORDER')) {
      this.keyword('BY');
      this.path();
      descending = this.acceptKeyword('DESC');
      if (!descending) this.acceptKeyword('ASC');
    }
    return { kind: 'select', table, index, projection, where, descending };
  }

  private insert(): Insert {
    this.keyword('INTO');
    const table = this.name();
    this.keyword('VALUE');
    const valueAt = this.position(this.peek().at);
    const value = this.primary();
    if (this.returning() !== undefined) throw validation('RETURNING is not supported in INSERT');
    return { kind: 'insert', table, value, valueAt };
  }

  private update(): Update {
    const table = this.name();
    const sets: Update['sets'][number][] = [];
    const removes: PathExpr[] = [];
    for (;;) {
      if (this.acceptKeyword('SET')) {
        do {
          const path = this.path();
          this.punct('=');
          sets.push({ path, value: this.sum() });
        } while (this.acceptPunct(','));
      } else if (this.acceptKeyword('REMOVE')) {
        // One path per REMOVE: DynamoDB refuses "REMOVE a, b".
        removes.push(this.path());
      } else break;
    }
    if (sets.length === 0 && removes.length === 0) this.fail();
    const where = this.acceptKeyword('WHERE') ? this.expr() : undefined;
    return { kind: 'update', table, sets, removes, where, returning: this.returning() };
  }

  private delete(): Delete {
    this.keyword('FROM');
    const table = this.name();
    const where = this.acceptKeyword('WHERE') ? this.expr() : undefined;
    return { kind: 'delete', table, where, returning: this.returning() };
  }

  private returning(): ReturnWhat | undefined {
    if (!this.acceptKeyword('RETURNING')) return undefined;
    const which = this.acceptKeyword('ALL') ? 'ALL' : this.acceptKeyword('MODIFIED') ? 'UPDATED' : this.fail();
    const when = this.acceptKeyword('OLD') ? 'OLD' : this.acceptKeyword('NEW') ? 'NEW' : this.fail();
    this.punct('*');
    return `${which}_${when}`;
  }

  private path(): PathExpr {
    const steps: PathStep[] = [{ name: this.name() }];
    for (;;) {
      if (this.acceptPunct('.')) steps.push({ name: this.name() });
      else if (this.acceptPunct('[')) {
        const t = this.peek();
        if (t.kind === 'number' && /^[0-9]+$/.test(t.text)) steps.push({ index: Number(t.text) });
        else if (t.kind === 'string') steps.push({ name: t.text });
        else this.fail();
        this.pos++;
        this.punct(']');
      } else return { k: 'path', steps };
    }
  }

  expr(): Expr {
    let left = this.conj();
    while (this.acceptKeyword('OR')) left = { k: 'or', left, right: this.conj() };
    return left;
  }

  private conj(): Expr {
    let left = this.neg();
    while (this.acceptKeyword('AND')) left = { k: 'and', left, right: this.neg() };
    return left;
  }

  private neg(): Expr {
    if (this.acceptKeyword('NOT')) return { k: 'not', operand: this.neg() };
    return this.predicate();
  }

  private predicate(): Expr {
    const left = this.sum();
    const t = this.peek();
    if (t.kind === 'punct' && ['=', '<>', '!=', '<', '<=', '>', '>='].includes(t.text)) {
      this.pos++;
      const op = t.text === '!=' ? '<>' : (t.text as Extract<Expr, { k: 'compare' }>['op']);
      return { k: 'compare', op, left, right: this.sum() };
    }
    const negated = this.isKeyword('NOT') && (this.isKeyword('BETWEEN', 1) || this.isKeyword('IN', 1));
    if (negated) this.pos++;
    let e: Expr | undefined;
    if (this.acceptKeyword('BETWEEN')) {
      const low = this.sum();
      this.keyword('AND');
      e = { k: 'between', operand: left, low, high: this.sum() };
    } else if (this.acceptKeyword('IN')) {
      const close = this.acceptPunct('[') ? ']' : this.acceptPunct('(') ? ')' : this.fail();
      const items: Expr[] = [];
      if (!this.isPunct(close)) {
        do items.push(this.sum());
        while (this.acceptPunct(','));
      }
      this.punct(close);
      if (items.length > MAX_IN_OPERANDS) this.oversizedIn ??= items.length;
      e = { k: 'in', operand: left, items };
    } else if (this.acceptKeyword('IS')) {
      const not = this.acceptKeyword('NOT');
      if (this.acceptKeyword('NULL')) {
        const isNull: Expr = { k: 'call', name: 'attribute_type', args: [left, { k: 'value', value: { S: 'NULL' } }] };
        return not ? { k: 'not', operand: isNull } : isNull;
      }
      this.keyword('MISSING');
      return { k: 'missing', operand: left, negated: not };
    }
    if (e === undefined) return left;
    return negated ? { k: 'not', operand: e } : e;
  }

  private sum(): Expr {
    let left = this.primary();
    for (;;) {
      if (this.acceptPunct('+')) left = { k: 'arith', op: '+', left, right: this.primary() };
      else if (this.acceptPunct('-')) left = { k: 'arith', op: '-', left, right: this.primary() };
      else return left;
    }
  }

  private exprList(close: string): Expr[] {
    const items: Expr[] = [];
    if (!this.isPunct(close)) {
      do items.push(this.expr());
      while (this.acceptPunct(','));
    }
    this.punct(close);
    return items;
  }

  private primary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'param':
        this.pos++;
        return { k: 'param', index: this.params++, at: this.position(t.at) };
      case 'string':
        this.pos++;
        return { k: 'value', value: { S: t.text } };
      case 'number':
        this.pos++;
        return { k: 'value', value: { N: t.text } };
      case 'quoted':
        return this.path();
      case 'ident': {
        const word = t.text.toUpperCase();
        if (word === 'TRUE' || word === 'FALSE') {
          this.pos++;
          return { k: 'value', value: { BOOL: word === 'TRUE' } };
        }
        if (word === 'NULL') {
          this.pos++;
          return { k: 'value', value: { NULL: true } };
        }
        const next = this.peek(1);
        if (next.kind === 'punct' && next.text === '(') {
          this.pos += 2;
          return { k: 'call', name: t.text.toLowerCase(), args: this.exprList(')') };
        }
        return this.path();
      }
      case 'punct':
        break;
      default:
        this.fail();
    }
    this.pos++;
    switch (t.text) {
      case '(': {
        const e = this.expr();
        this.punct(')');
        return e;
      }
      case '-': {
        const n = this.peek();
        if (n.kind !== 'number') this.fail();
        this.pos++;
        return { k: 'value', value: { N: '-' + n.text } };
      }
      case '{': {
        const entries: [string, Expr][] = [];
        if (!this.isPunct('}')) {
          do {
            const key = this.peek();
            if (key.kind !== 'string') this.fail();
            this.pos++;
            this.punct(':');
            entries.push([key.text, this.expr()]);
          } while (this.acceptPunct(','));
        }
        this.punct('}');
        return { k: 'map', entries };
      }
      case '[':
        return { k: 'list', items: this.exprList(']') };
      case '<<': {
        const at: string[] = [];
        const items: Expr[] = [];
        if (!this.isPunct('>>')) {
          do {
            at.push(this.position(this.peek().at));
            items.push(this.expr());
          } while (this.acceptPunct(','));
        }
        this.punct('>>');
        return { k: 'set', items, at };
      }
      default:
        this.fail();
    }
  }
}

export interface Parsed {
  readonly statement: Statement;
  /** How many `?` the statement holds. */
  readonly parameters: number;
}

export function parseStatement(text: string): Parsed {
  const p = new Parser(text);
  const statement = p.parse();
  return { statement, parameters: p.parameterCount };
}
