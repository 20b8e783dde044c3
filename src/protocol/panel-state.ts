// Which connection and table a panel shows, kept inside the page state VS Code saves for a
// webview (getState/setState), so that after a window reload the extension's panel serializer
// knows what to rebuild. Both sides use this file: the extension writes the identity into the
// page (WebviewHost), the page keeps it under PANEL_STATE_KEY beside its own state
// (webview/shared/host.ts), and the serializer reads it back with identityOf.
// Invariant: the page's own state never sees the key (withoutIdentity strips it), and a state
// without a well-formed identity is no panel to restore.

export interface PanelIdentity {
  connectionId: string;
  /** absent for panels of a whole connection (the create-table form) */
  tableName?: string;
}

export const PANEL_STATE_KEY = '__panel';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: unknown): v is string => typeof v === 'string' && v !== '';

/** A well-formed identity, or undefined (strings only; no other fields). */
export function parseIdentity(value: unknown): PanelIdentity | undefined {
  if (!isRecord(value) || !nonEmpty(value.connectionId)) return undefined;
  if (value.tableName !== undefined && !nonEmpty(value.tableName)) return undefined;
  if (Object.keys(value).some((k) => k !== 'connectionId' && k !== 'tableName')) return undefined;
  return value.tableName === undefined ? { connectionId: value.connectionId } : { connectionId: value.connectionId, tableName: value.tableName };
}

/** The identity saved in a page state, if there is a well-formed one. */
export function identityOf(state: unknown): PanelIdentity | undefined {
  return isRecord(state) ? parseIdentity(state[PANEL_STATE_KEY]) : undefined;
}

/** The page's own state, as it set it (without the identity). */
export function withoutIdentity(state: unknown): Record<string, unknown> | undefined {
  if (!isRecord(state)) return undefined;
  const { [PANEL_STATE_KEY]: _identity, ...rest } = state;
  return Object.keys(rest).length ? rest : undefined;
}

/** The state to save: the page's own state with the identity beside it. */
export function withIdentity(state: unknown, identity: PanelIdentity | undefined): Record<string, unknown> {
  const own = isRecord(state) ? withoutIdentity(state) ?? {} : {};
  return identity ? { ...own, [PANEL_STATE_KEY]: identity } : own;
}

/** One key per panel kind and identity: the registry opens at most one panel per key. */
export function panelKey(viewType: string, identity: PanelIdentity): string {
  return [viewType, identity.connectionId, identity.tableName ?? ''].join('\u0000');
}
