// <timeline-backups>: the table's backups, oldest first (name, kind, time in the local zone with
// UTC on hover, size, status), each with Restore, Delete and "pick this time" actions; events
// bubble to the app, which asks the host.
import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import { formatBytes } from '../../../src/protocol/capacity';
import { formatLocal, formatUtc, type BackupMark } from '../../../src/protocol/timeline';
import { timelineStyles } from '../styles';

@customElement('timeline-backups')
export class TimelineBackups extends LitElement {
  @property({ attribute: false }) backups: BackupMark[] = [];
  /** the backup last picked on the chart or in the list */
  @property({ attribute: false }) picked: string | undefined;
  @property({ type: Boolean }) busy = false;
  /** whether its time can be picked (it lies inside the PITR window) */
  @property({ attribute: false }) pickable: (b: BackupMark) => boolean = () => false;

  static override styles = timelineStyles;

  private emit(name: string, backup: BackupMark): void {
    this.dispatchEvent(new CustomEvent(name, { detail: backup, bubbles: true, composed: true }));
  }

  override render(): unknown {
    if (!this.backups.length) return html`<p class="muted">No backups yet.</p>`;
    return html`<div class="backups" role="table" aria-label="Backups">
      <span class="head" role="columnheader">Name</span>
      <span class="head" role="columnheader">Kind</span>
      <span class="head" role="columnheader">Created</span>
      <span class="head" role="columnheader">Size</span>
      <span class="head" role="columnheader">Status</span>
      <span class="head" role="columnheader"></span>
      ${this.backups.map((b) => {
        const cls = b.arn === this.picked ? 'picked' : '';
        return html`<span class="backup-name ${cls}" role="cell">${b.name}</span>
          <span role="cell">${b.type === 'USER' ? 'on-demand' : b.type === 'SYSTEM' ? 'system' : 'AWS Backup'}</span>
          <span role="cell"><time datetime=${formatUtc(b.created)} title="UTC ${formatUtc(b.created)}">${formatLocal(b.created)}</time></span>
          <span role="cell">${b.sizeBytes === undefined ? '' : formatBytes(b.sizeBytes)}</span>
          <span role="cell">${b.status}</span>
          <span class="buttons" role="cell">
            ${this.pickable(b) ? html`<vscode-button secondary title="Pick the second this backup was made" @click=${() => this.emit('pick-backup', b)}>Pick</vscode-button>` : nothing}
            <vscode-button secondary ?disabled=${this.busy || b.status !== 'AVAILABLE'} @click=${() => this.emit('restore-backup', b)}>Restore</vscode-button>
            <vscode-button secondary ?disabled=${this.busy} @click=${() => this.emit('delete-backup', b)}>Delete</vscode-button>
          </span>`;
      })}
    </div>`;
  }
}
