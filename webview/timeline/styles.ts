// The timeline app's styles: theme variables only; the page scrolls vertically, never sideways.
import { css } from 'lit';

export const timelineStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 14px;
    padding: 10px 16px 24px;
    box-sizing: border-box;
    min-width: 0;
    overflow-wrap: anywhere;
  }
  header {
    display: flex;
    align-items: baseline;
    gap: 10px;
    flex-wrap: wrap;
  }
  h2 {
    margin: 0;
    font-size: 1.3em;
  }
  h3 {
    margin: 0 0 6px;
    font-size: 1.05em;
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  .line {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
  }
  .note {
    display: flex;
    gap: 6px;
    align-items: flex-start;
    padding: 6px 8px;
    border-left: 3px solid var(--vscode-textLink-foreground);
    background: var(--vscode-textBlockQuote-background);
  }
  .error {
    color: var(--vscode-errorForeground);
    border: 1px solid var(--vscode-inputValidation-errorBorder);
    background: var(--vscode-inputValidation-errorBackground);
    padding: 6px 8px;
  }
  .problem {
    color: var(--vscode-errorForeground);
  }
  .ok {
    color: var(--vscode-testing-iconPassed, var(--vscode-foreground));
  }
  section {
    min-width: 0;
  }
  dw-time-chart {
    --dw-chart-height: 200px;
  }
  vscode-textfield.time {
    width: 16em;
  }
  vscode-textfield.name {
    width: 22em;
    max-width: 100%;
  }
  vscode-textfield.days {
    width: 5em;
  }
  time {
    text-decoration: underline dotted;
  }
  .backups {
    display: grid;
    /* every column may shrink below its content (text wraps) so a narrow editor never scrolls sideways */
    grid-template-columns: minmax(0, 2fr) minmax(0, 1fr) minmax(0, 1.6fr) minmax(0, 0.8fr) minmax(0, 1fr) minmax(0, auto);
    gap: 4px 12px;
    align-items: center;
  }
  .backups .head {
    color: var(--vscode-descriptionForeground);
    border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-editorGroup-border));
  }
  .backups .picked {
    font-weight: 600;
  }
  .buttons {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
`;
