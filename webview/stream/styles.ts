// The stream view's styles: VS Code theme variables only (the event colours are the SCM
// decorations' added / modified / deleted, the diff cells the diff editor's backgrounds).
import { css } from 'lit';
import { panelLayout } from '../shared/panel-styles';

// the shared column and header (panelLayout), then the stream view's own parts
export const appStyles = [
  panelLayout,
  css`
  .toolbar vscode-textfield {
    width: 220px;
    max-width: 100%;
  }
  .status {
    padding: 4px 12px;
    color: var(--vscode-descriptionForeground);
    display: flex;
    gap: 12px;
    flex-wrap: wrap;
  }
  .status .failed {
    color: var(--vscode-errorForeground);
  }
  .list {
    flex: 1;
    min-height: 0;
    overflow: auto;
    padding: 0 0 8px;
  }
  .notice {
    display: flex;
    flex-direction: column;
    gap: 10px;
    align-items: flex-start;
  }
  .notice .row {
    display: flex;
    gap: 8px;
    align-items: center;
    flex-wrap: wrap;
  }
  .error {
    margin: 4px 12px;
    padding: 6px 8px;
    color: var(--vscode-errorForeground);
    background: var(--vscode-inputValidation-errorBackground);
    border: 1px solid var(--vscode-inputValidation-errorBorder);
  }
  vscode-progress-bar {
    margin: 0 12px;
  }
`,
];

export const rowStyles = css`
  :host {
    display: block;
    border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border, transparent));
  }
  .line {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 3px 12px;
    min-height: 22px;
  }
  .line:hover {
    background: var(--vscode-list-hoverBackground);
  }
  button.toggle {
    display: flex;
    align-items: center;
    gap: 8px;
    flex: 1;
    min-width: 0;
    padding: 0;
    border: 0;
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: left;
    cursor: pointer;
  }
  button.toggle:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: 1px;
  }
  .event {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    width: 6.5em;
    flex: none;
    font-weight: 600;
  }
  .INSERT {
    color: var(--vscode-gitDecoration-addedResourceForeground, var(--vscode-foreground));
  }
  .MODIFY {
    color: var(--vscode-gitDecoration-modifiedResourceForeground, var(--vscode-foreground));
  }
  .REMOVE {
    color: var(--vscode-gitDecoration-deletedResourceForeground, var(--vscode-foreground));
  }
  .key {
    flex: 1;
    min-width: 0;
    font-family: var(--vscode-editor-font-family);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .time,
  .ttl {
    flex: none;
    color: var(--vscode-descriptionForeground);
    font-variant-numeric: tabular-nums;
  }
  .diff {
    padding: 4px 12px 8px 36px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size, inherit);
  }
  th {
    text-align: left;
    font-weight: 600;
    color: var(--vscode-descriptionForeground);
    padding: 2px 8px;
    border-bottom: 1px solid var(--vscode-editorWidget-border, transparent);
  }
  td {
    padding: 2px 8px;
    vertical-align: top;
    white-space: pre-wrap;
    word-break: break-all;
  }
  td.name {
    width: 20%;
  }
  td.old,
  td.new {
    width: 40%;
  }
  tr.changed td.old,
  tr.removed td.old {
    background: var(--vscode-diffEditor-removedTextBackground);
  }
  tr.changed td.new,
  tr.added td.new {
    background: var(--vscode-diffEditor-insertedTextBackground);
  }
  tr.same td {
    color: var(--vscode-descriptionForeground);
  }
  .absent {
    color: var(--vscode-descriptionForeground);
    font-style: italic;
  }
`;
