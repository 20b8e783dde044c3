// The inspector's styles: VS Code theme variables only. Failed rows use the error colours,
// throttled the warning colours, slow the description colour in italics; each also carries an
// icon and a word, so colour is never the only signal.
import { css, unsafeCSS } from 'lit';
import { panelLayout } from '../shared/panel-styles';
import { ROW_HEIGHT } from './state';

const rowHeight = unsafeCSS(`${ROW_HEIGHT}px`);

export const appStyles = [
  panelLayout,
  css`
    .toolbar vscode-textfield {
      width: 200px;
      max-width: 100%;
    }
    .toolbar vscode-single-select {
      width: 150px;
    }
    .status {
      padding: 4px 12px;
      color: var(--vscode-descriptionForeground);
    }
    .body {
      flex: 1;
      min-height: 0;
      display: flex;
      flex-direction: column;
    }
    .list {
      flex: 1;
      min-height: 80px;
      overflow: auto;
      position: relative;
    }
    .grid {
      min-width: 1150px;
    }
    .row,
    .head {
      display: grid;
      grid-template-columns: 7.6em 8em 10em minmax(12em, 1fr) 9.5em 5em 8em 8em 5em 5em 11.5em;
      column-gap: 8px;
      align-items: center;
      padding: 0 12px;
      height: ${rowHeight};
      box-sizing: border-box;
      white-space: nowrap;
    }
    .row > span,
    .head > span {
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .head {
      position: sticky;
      top: 0;
      z-index: 1;
      background: var(--vscode-editor-background);
      border-bottom: 1px solid var(--vscode-panel-border, transparent);
      font-weight: 600;
    }
    .row {
      cursor: pointer;
      border-bottom: 1px solid var(--vscode-editorWidget-border, transparent);
    }
    .row:hover {
      background: var(--vscode-list-hoverBackground);
    }
    .row:focus {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: -1px;
    }
    .row.selected {
      background: var(--vscode-list-inactiveSelectionBackground);
      color: var(--vscode-list-inactiveSelectionForeground, inherit);
    }
    .row.selected:focus {
      background: var(--vscode-list-activeSelectionBackground);
      color: var(--vscode-list-activeSelectionForeground, inherit);
    }
    .num {
      text-align: right;
      font-variant-numeric: tabular-nums;
    }
    .st {
      display: inline-flex;
      align-items: center;
      gap: 4px;
    }
    .failed .st {
      color: var(--vscode-errorForeground);
      font-weight: 600;
    }
    .row.failed {
      background: var(--vscode-inputValidation-errorBackground, transparent);
    }
    .throttled .st {
      color: var(--vscode-editorWarning-foreground, var(--vscode-foreground));
      font-weight: 600;
    }
    .row.throttled {
      background: var(--vscode-inputValidation-warningBackground, transparent);
    }
    .slow .lat {
      color: var(--vscode-editorWarning-foreground, var(--vscode-foreground));
      font-style: italic;
    }
    .explorer {
      color: var(--vscode-descriptionForeground);
    }
    .detail {
      flex: none;
      max-height: 50vh;
      overflow: auto;
      border-top: 2px solid var(--vscode-panel-border, var(--vscode-focusBorder));
      padding: 8px 12px;
    }
    .detail h2 {
      font-size: 1.05em;
      margin: 0 0 6px;
      display: flex;
      gap: 8px;
      align-items: center;
      flex-wrap: wrap;
    }
    .detail .actions {
      display: flex;
      gap: 6px;
      flex-wrap: wrap;
      margin: 6px 0;
    }
    .detail .cols {
      display: flex;
      gap: 12px;
      flex-wrap: wrap;
    }
    .detail .cols > section {
      flex: 1 1 320px;
      min-width: 0;
    }
    pre {
      margin: 4px 0;
      padding: 6px 8px;
      background: var(--vscode-textCodeBlock-background);
      font-family: var(--vscode-editor-font-family);
      font-size: var(--vscode-editor-font-size);
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      max-height: 30vh;
      overflow: auto;
    }
    dl {
      display: grid;
      grid-template-columns: max-content 1fr;
      gap: 2px 12px;
      margin: 4px 0;
    }
    dt {
      color: var(--vscode-descriptionForeground);
    }
    dd {
      margin: 0;
    }
    .groups {
      flex: 1;
      min-height: 0;
      overflow: auto;
      padding: 0 12px;
    }
    .group {
      border-bottom: 1px solid var(--vscode-editorWidget-border, transparent);
      padding: 6px 0;
    }
    .group .shape {
      font-family: var(--vscode-editor-font-family);
    }
    .group .totals {
      color: var(--vscode-descriptionForeground);
    }
    .hint {
      display: flex;
      gap: 6px;
      align-items: flex-start;
      color: var(--vscode-editorWarning-foreground, var(--vscode-foreground));
      margin-top: 4px;
    }
    .count {
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .error {
      margin: 4px 12px;
      padding: 6px 8px;
      color: var(--vscode-errorForeground);
      background: var(--vscode-inputValidation-errorBackground);
      border: 1px solid var(--vscode-inputValidation-errorBorder);
    }
    .info {
      margin: 4px 12px;
      color: var(--vscode-descriptionForeground);
    }
  `,
];
