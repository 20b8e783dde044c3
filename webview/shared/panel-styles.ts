// The frame every panel app shares: a full-height column that fits the editor area at any width
// down to about 600 px (flex children may shrink below their content, long words wrap), a
// header row with the panel's title, a wrapping toolbar under it, muted text, the line shown
// where a list is empty and a bordered notice (what a panel cannot show, and why). Theme
// variables only.
import { css } from 'lit';

export const panelLayout = css`
  :host {
    display: flex;
    flex-direction: column;
    height: 100vh;
    width: 100%;
    min-width: 0;
    box-sizing: border-box;
    overflow-wrap: anywhere;
  }
  header {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 8px 12px 4px;
    flex-wrap: wrap;
  }
  h1 {
    min-width: 0;
    font-size: 1.25em;
    font-weight: 600;
    margin: 0;
    display: flex;
    align-items: center;
    gap: 6px;
  }
  .toolbar {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 4px 12px 6px;
    flex-wrap: wrap;
    border-bottom: 1px solid var(--vscode-panel-border, transparent);
  }
  .muted {
    color: var(--vscode-descriptionForeground);
  }
  .empty {
    padding: 16px 12px;
    color: var(--vscode-descriptionForeground);
  }
  .notice {
    margin: 12px;
    padding: 12px;
    border: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent));
  }
`;
