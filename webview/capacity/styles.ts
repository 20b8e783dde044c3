// Styles of the capacity panel: theme variables only; tables shared by its components.
import { css } from 'lit';

export const tableStyles = css`
  table {
    border-collapse: collapse;
    font-variant-numeric: tabular-nums;
  }
  th,
  td {
    padding: 3px 12px 3px 0;
    text-align: right;
    border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border, transparent));
  }
  th:first-child,
  td:first-child {
    text-align: left;
  }
  thead th {
    color: var(--vscode-descriptionForeground);
    font-weight: 600;
  }
  .note {
    color: var(--vscode-descriptionForeground);
    margin: 4px 0 0;
  }
`;

export const appStyles = css`
  :host {
    display: block;
    box-sizing: border-box;
    padding: 8px 16px 24px;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 16px;
  }
  h1 {
    font-size: 1.25em;
    font-weight: 600;
    margin: 0;
  }
  h2 {
    font-size: 1.05em;
    font-weight: 600;
    margin: 20px 0 6px;
  }
  .connection {
    color: var(--vscode-descriptionForeground);
  }
  .spacer {
    flex: 1;
  }
  .controls {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px;
  }
  .controls label {
    color: var(--vscode-descriptionForeground);
  }
  vscode-single-select {
    min-width: 140px;
  }
  .summary {
    margin: 6px 0 4px;
    color: var(--vscode-descriptionForeground);
  }
  .charts {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 420px), 1fr));
    gap: 16px 24px;
    margin-top: 8px;
  }
  dw-time-chart {
    --dw-chart-height: 170px;
  }
  .banner {
    margin: 8px 0;
    padding: 6px 10px;
    border-left: 3px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground));
    background: var(--vscode-inputValidation-errorBackground, transparent);
  }
  .unavailable {
    margin: 16px 0;
    padding: 10px 12px;
    border-left: 3px solid var(--vscode-notificationsInfoIcon-foreground, var(--vscode-focusBorder));
    background: var(--vscode-textBlockQuote-background, transparent);
    max-width: 70ch;
  }
  .updated {
    color: var(--vscode-descriptionForeground);
    font-size: 0.9em;
  }
  .columns {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(min(100%, 380px), 1fr));
    gap: 8px 32px;
  }
`;
