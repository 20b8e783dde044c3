// The timeline panel: one table's change volume, PITR window and backups on a chart; pick a second
// (drag or keys on the chart, a typed local time, or a jump), preview it against now, restore it
// (or a backup) into a new table; manage backups and PITR. State kept across reloads: the picked
// second and the restore name (TimelineViewState).
// Messages: `message` holds what the last action reported; the next action that succeeds clears it.
import { LitElement, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '../shared/components/time-chart';
import './components/preview-diff';
import './components/backup-list';
import { Host, errorText } from '../shared/host';
import type { MarkerSelectDetail, TimeSelectDetail } from '../shared/components/time-chart';
import {
  formatLocal,
  formatUtc,
  inWindow,
  parseLocal,
  zoneLabel,
  type BackupMark,
  type PreviewResult,
  type TimelineHostNotifications,
  type TimelineRequests,
  type TimelineSnapshot,
  type TimelineViewNotifications,
  type TimelineViewState,
} from '../../src/protocol/timeline';
import { defaultBackupName, restoredTableName, tableNameProblem } from '../../src/protocol/names';
import * as actions from './actions';
import { chartData, jumpTargets, previewSummary } from './state';
import { timelineStyles } from './styles';

const host = new Host<TimelineRequests, TimelineHostNotifications, TimelineViewNotifications, TimelineViewState>();

/** Quiet time after the last pick (a drag fires many) before the preview is asked for. */
const PREVIEW_DELAY_MS = 250;

function timeTag(ms: number) {
  return html`<time datetime=${formatUtc(ms)} title="UTC ${formatUtc(ms)}">${formatLocal(ms)}</time>`;
}

@customElement('timeline-app')
export class TimelineApp extends LitElement {
  @state() private snapshot: TimelineSnapshot | undefined;
  @state() private selected: number | undefined;
  @state() private timeText = '';
  @state() private timeProblem: string | undefined;
  @state() private preview: PreviewResult | undefined;
  @state() private previewing = false;
  @state() private previewError: string | undefined;
  @state() private targetName = '';
  @state() private backupName = '';
  @state() private days = '';
  @state() private busy: string | undefined;
  @state() private message: { kind: 'error' | 'info'; text: string } | undefined;
  @state() private pickedBackup: string | undefined;
  private previewTimer: ReturnType<typeof setTimeout> | undefined;
  private previewSeq = 0;

  static override styles = timelineStyles;

  override connectedCallback(): void {
    super.connectedCallback();
    host.on('changed', (s) => {
      this.applySnapshot(s);
      // "now" moved on: the picked second's comparison with it is stale
      if (this.selected !== undefined) this.schedulePreview();
    });
    void this.start();
  }

  private async start(): Promise<void> {
    const saved = host.state ?? {};
    try {
      const s = await host.request('ready', undefined);
      this.targetName = saved.targetName ?? restoredTableName(s.tableName, new Date());
      this.applySnapshot(s);
      if (saved.selected !== undefined && inWindow(saved.selected, s.pitr)) this.select(saved.selected);
    } catch (e) {
      this.report('error', errorText(e));
    }
  }

  private applySnapshot(s: TimelineSnapshot): void {
    const first = this.snapshot === undefined;
    this.snapshot = s;
    if (first || !this.days) this.days = String(s.pitr?.recoveryPeriodInDays ?? '');
    this.backupName ||= defaultBackupName(s.tableName, new Date(s.now));
    // the window moves on; a pick that fell out of it is no longer restorable
    if (this.selected !== undefined && !inWindow(this.selected, s.pitr)) {
      this.selected = undefined;
      this.preview = undefined;
    }
    this.dataset.pitr = s.pitr?.status ?? 'unknown';
  }

  private persist(): void {
    host.state = { selected: this.selected, targetName: this.targetName };
  }

  private report(kind: 'error' | 'info', text: string): void {
    this.message = { kind, text };
    host.notify('status', { message: text });
  }

  private select(time: number, backupArn?: string): void {
    const s = this.snapshot;
    if (!s) return;
    try {
      this.selected = actions.pick(s, time);
    } catch (e) {
      this.timeProblem = errorText(e);
      return;
    }
    this.timeProblem = undefined;
    this.timeText = formatLocal(this.selected);
    this.pickedBackup = backupArn;
    this.persist();
    this.schedulePreview();
  }

  private schedulePreview(): void {
    clearTimeout(this.previewTimer);
    this.previewTimer = setTimeout(() => void this.runPreview(), PREVIEW_DELAY_MS);
  }

  private typedTime(): void {
    const t = parseLocal(this.timeText);
    if (t === undefined) {
      this.timeProblem = 'Type a local date and time as YYYY-MM-DD HH:MM:SS';
      return;
    }
    if (!inWindow(t, this.snapshot?.pitr)) {
      this.timeProblem = `${this.timeText} is outside the point-in-time recovery window`;
      return;
    }
    this.select(t);
  }

  private async runPreview(): Promise<void> {
    const s = this.snapshot;
    const time = this.selected;
    if (!s || time === undefined || s.unavailable.preview) return;
    const seq = ++this.previewSeq;
    this.previewing = true;
    try {
      const p = await actions.preview(host, s, time);
      if (seq !== this.previewSeq) return; // a later pick is on its way
      this.preview = p;
      this.previewError = undefined;
    } catch (e) {
      if (seq === this.previewSeq) this.previewError = errorText(e);
    } finally {
      if (seq === this.previewSeq) this.previewing = false;
    }
  }

  private async act<T>(what: string, fn: () => Promise<T>, done?: (result: T) => string | undefined): Promise<void> {
    this.busy = what;
    try {
      const result = await fn();
      const text = done?.(result);
      if (text) this.report('info', text);
      else this.message = undefined;
    } catch (e) {
      this.report('error', errorText(e));
    } finally {
      this.busy = undefined;
    }
  }

  private async refresh(): Promise<void> {
    await this.act('refresh', async () => this.applySnapshot(await host.request('refresh', undefined)));
    if (this.selected !== undefined) void this.runPreview();
  }

  /** A fresh snapshot after this panel's own action, leaving that action's message in place. */
  private reload(): void {
    host.request('refresh', undefined).then(
      (s) => this.applySnapshot(s),
      (e: unknown) => this.report('error', errorText(e)),
    );
  }

  private restoreSelected(): void {
    const time = this.selected;
    if (time === undefined) return;
    void this.act('restore', () => actions.restore(host, { time }, this.targetName), (r) => this.restored(r));
  }

  private restoreBackup(b: BackupMark): void {
    void this.act('restore', () => actions.restore(host, { backupArn: b.arn, backupName: b.name }, this.targetName), (r) => this.restored(r));
  }

  private restored(r: { tableName: string; active: boolean }): string {
    const name = r.tableName;
    // the next restore gets a fresh default; the one just used is taken now
    this.targetName = this.snapshot ? restoredTableName(this.snapshot.tableName, new Date(), [name]) : '';
    this.persist();
    return r.active ? `Restored into ${name}: it is open in the items panel` : `${name} is still being restored; it appears in the explorer when ready`;
  }

  private createBackup(): void {
    void this.act('backup', () => actions.createBackup(host, this.backupName), (b) => {
      this.backupName = '';
      this.reload();
      return `Backup ${b.name} created`;
    });
  }

  private deleteBackup(b: BackupMark): void {
    void this.act('backup', () => host.request('deleteBackup', { arn: b.arn, name: b.name }), (deleted) => {
      if (!deleted) return undefined;
      this.reload();
      return `Backup ${b.name} deleted`;
    });
  }

  private setPitr(enabled: boolean): void {
    void this.act('pitr', async () => this.applySnapshot(await actions.setPitr(host, enabled, enabled ? this.days : undefined)), () =>
      enabled ? `Point-in-time recovery is on (${this.snapshot?.pitr?.recoveryPeriodInDays ?? this.days} days)` : 'Point-in-time recovery is off',
    );
  }

  private renderPitr(s: TimelineSnapshot) {
    if (s.unavailable.pitr) return html`<div class="note" id="pitr-unavailable"><vscode-icon name="info"></vscode-icon>${s.unavailable.pitr}</div>`;
    const p = s.pitr;
    const on = p?.status === 'ENABLED';
    return html`<div class="line" id="pitr-status">
        <strong>Point-in-time recovery is ${on ? 'on' : (p?.status ?? 'DISABLED').toLowerCase()}</strong>
        ${on && p?.recoveryPeriodInDays ? html`<span class="muted">recovery period ${p.recoveryPeriodInDays} day${p.recoveryPeriodInDays === 1 ? '' : 's'}</span>` : nothing}
      </div>
      ${on && p?.earliest !== undefined && p.latest !== undefined
        ? html`<div class="line" id="window">
            <span>Earliest restorable: <span id="earliest">${timeTag(p.earliest)}</span></span>
            <span>Latest restorable: <span id="latest">${timeTag(p.latest)}</span></span>
            <span class="muted">${zoneLabel(p.latest)}</span>
          </div>`
        : nothing}
      <div class="line">
        <label for="days">Recovery period (days)</label>
        <vscode-textfield id="days" class="days" .value=${this.days} @input=${(e: Event) => (this.days = (e.target as HTMLInputElement).value)}></vscode-textfield>
        <vscode-button id="pitr-on" ?disabled=${!!this.busy} @click=${() => this.setPitr(true)}>${on ? 'Set recovery period' : 'Enable point-in-time recovery'}</vscode-button>
        ${on ? html`<vscode-button id="pitr-off" secondary ?disabled=${!!this.busy} @click=${() => this.setPitr(false)}>Disable</vscode-button>` : nothing}
      </div>`;
  }

  private renderPick(s: TimelineSnapshot) {
    const jumps = jumpTargets(s);
    if (!jumps.length) return nothing;
    const big = jumps.find((j) => j.id === 'big-change');
    const zone = zoneLabel(this.selected ?? s.now);
    return html`<section aria-label="Pick a second">
      <h3>Pick a second</h3>
      <div class="line">
        <label for="time">Local time, ${zone}</label>
        <vscode-textfield id="time" class="time" placeholder="YYYY-MM-DD HH:MM:SS" title=${this.selected !== undefined ? `UTC ${formatUtc(this.selected)}` : 'Type a local date and time'}
          .value=${this.timeText}
          @input=${(e: Event) => (this.timeText = (e.target as HTMLInputElement).value)}
          @keydown=${(e: KeyboardEvent) => e.key === 'Enter' && this.typedTime()}></vscode-textfield>
        <vscode-button id="go-time" secondary @click=${() => this.typedTime()}>Go</vscode-button>
        ${big ? html`<vscode-button id="jump-big-change" secondary title=${`UTC ${formatUtc(big.time)}`} @click=${() => this.select(big.time)}>Just before the last big change</vscode-button>` : nothing}
        <vscode-single-select id="jump" aria-label="Jump to" .value=${''}
          @change=${(e: Event) => {
            const j = jumps.find((x) => x.id === (e.target as HTMLSelectElement).value);
            if (j) this.select(j.time, j.id.startsWith('arn:') ? j.id : undefined);
          }}>
          <vscode-option value="" selected>Jump to…</vscode-option>
          ${jumps.map((j) => html`<vscode-option value=${j.id}>${j.label} (${formatLocal(j.time)})</vscode-option>`)}
        </vscode-single-select>
      </div>
      ${this.selected !== undefined ? html`<div class="muted" id="utc">UTC ${formatUtc(this.selected)}</div>` : nothing}
      ${this.timeProblem ? html`<div class="problem" role="alert" id="time-problem">${this.timeProblem}</div>` : nothing}
    </section>`;
  }

  private renderPreview(s: TimelineSnapshot) {
    if (this.selected === undefined) return nothing;
    const p = this.preview;
    return html`<section aria-label="Preview" id="preview">
      <h3>Preview of ${timeTag(this.selected)} ${this.previewing ? html`<span class="muted">(reading the history…)</span>` : nothing}</h3>
      ${s.unavailable.preview
        ? html`<div class="note" id="preview-unavailable"><vscode-icon name="info"></vscode-icon>${s.unavailable.preview}</div>`
        : this.previewError
          ? html`<div class="error" role="alert">${this.previewError}</div>`
          : p
            ? html`<p id="preview-summary">${previewSummary(p)}</p><timeline-diff .differences=${p.differences} .time=${p.time}></timeline-diff>`
            : nothing}
    </section>`;
  }

  private renderRestore(s: TimelineSnapshot) {
    const problem = tableNameProblem(this.targetName.trim(), [s.tableName]);
    const restoring = this.busy === 'restore';
    return html`<section aria-label="Restore">
      <h3>Restore into a new table</h3>
      <div class="line">
        <label for="target-name">New table</label>
        <vscode-textfield id="target-name" class="name" .value=${this.targetName} ?invalid=${!!problem}
          @input=${(e: Event) => {
            this.targetName = (e.target as HTMLInputElement).value;
            this.persist();
          }}></vscode-textfield>
        <vscode-button id="restore" ?disabled=${!!problem || this.selected === undefined || !!this.busy} @click=${() => this.restoreSelected()}>
          Restore ${this.selected !== undefined ? formatLocal(this.selected) : 'the picked second'}
        </vscode-button>
      </div>
      ${problem ? html`<div class="problem" id="name-problem">${problem}</div>` : nothing}
      ${this.selected === undefined && !s.unavailable.pitr ? html`<div class="muted">Pick a second on the chart, type one, or restore a backup below.</div>` : nothing}
      ${restoring ? html`<vscode-progress-bar aria-label="Restoring"></vscode-progress-bar>` : nothing}
    </section>`;
  }

  private renderBackups(s: TimelineSnapshot) {
    return html`<section aria-label="Backups">
      <h3>Backups</h3>
      ${s.unavailable.backups
        ? html`<div class="note" id="backups-unavailable"><vscode-icon name="info"></vscode-icon>${s.unavailable.backups}</div>`
        : html`<timeline-backups
              .backups=${s.backups}
              .picked=${this.pickedBackup}
              .pickable=${(b: BackupMark) => inWindow(b.created, s.pitr)}
              ?busy=${!!this.busy}
              @pick-backup=${(e: CustomEvent<BackupMark>) => this.select(e.detail.created, e.detail.arn)}
              @restore-backup=${(e: CustomEvent<BackupMark>) => this.restoreBackup(e.detail)}
              @delete-backup=${(e: CustomEvent<BackupMark>) => this.deleteBackup(e.detail)}
            ></timeline-backups>
            <div class="line">
              <label for="backup-name">New backup</label>
              <vscode-textfield id="backup-name" class="name" .value=${this.backupName} @input=${(e: Event) => (this.backupName = (e.target as HTMLInputElement).value)}></vscode-textfield>
              <vscode-button id="create-backup" secondary ?disabled=${!!this.busy} @click=${() => this.createBackup()}>Create backup</vscode-button>
            </div>`}
    </section>`;
  }

  override render(): unknown {
    const s = this.snapshot;
    if (!s) return this.message ? html`<div class="error" role="alert">${this.message.text}</div>` : html`<vscode-progress-bar aria-label="Loading"></vscode-progress-bar>`;
    return html`
      <header>
        <h2>${s.tableName}</h2>
        <span class="muted">${s.connectionLabel} · backups and point-in-time recovery</span>
        <vscode-button id="refresh" secondary icon="refresh" ?disabled=${!!this.busy} @click=${() => void this.refresh()}>Refresh</vscode-button>
      </header>
      ${this.message ? html`<div class=${this.message.kind === 'error' ? 'error' : 'note'} role=${this.message.kind === 'error' ? 'alert' : 'status'} id="message">${this.message.text}</div>` : nothing}
      <section aria-label="Point-in-time recovery">${this.renderPitr(s)}</section>
      <section aria-label="Change volume">
        ${s.unavailable.volume ? html`<div class="note" id="volume-unavailable"><vscode-icon name="info"></vscode-icon>${s.unavailable.volume}</div>` : nothing}
        <dw-time-chart
          .data=${chartData(s)}
          .selected=${this.selected}
          @time-select=${(e: CustomEvent<TimeSelectDetail>) => this.select(e.detail.at)}
          @marker-select=${(e: CustomEvent<MarkerSelectDetail>) => {
            const b = s.backups.find((x) => x.arn === e.detail.id);
            if (b && inWindow(b.created, s.pitr)) this.select(b.created, b.arn);
            else this.pickedBackup = b?.arn;
          }}
        ></dw-time-chart>
      </section>
      ${this.renderPick(s)} ${this.renderPreview(s)} ${this.renderRestore(s)} ${this.renderBackups(s)}
    `;
  }
}
