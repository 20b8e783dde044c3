// Who may reach a workspace folder's endpoint, as the extension decides it.
//
// - Address: `dynamoWorkspace.endpoint.host` can come from a cloned repository's
//   .vscode/settings.json. A value beyond loopback is honoured only in a trusted workspace, and
//   only after the user agreed, once per folder and address (a modal; a consent is kept in the
//   workspace state, a refusal for the session). Otherwise the endpoint stays on 127.0.0.1.
// - Signatures: with `dynamoWorkspace.endpoint.requireSignature`, every request must be signed
//   with the access key kept in VS Code's SecretStorage (never in settings files). With the
//   setting on and no key stored, the endpoint refuses every request: it fails closed.
import * as vscode from 'vscode';
import { isLoopbackHost } from '../server/access';
import { COMMANDS } from './commands/ids';
import { showMessage } from './notify';

/** SecretStorage entry: JSON {"<access key id>": "<secret access key>"}. */
export const ACCESS_KEYS_SECRET = 'dynamoWorkspace.endpoint.accessKeys';
const HOST_CONSENT_PREFIX = 'dynamoWorkspace.endpoint.hostConsent:';
const LOOPBACK = '127.0.0.1';

/** Asks whether to bind `host` for `folder`; true to allow. Replaceable so the host suite can answer without a dialog. */
export type HostConsent = (folder: vscode.WorkspaceFolder, host: string) => Promise<boolean>;

async function askModal(folder: vscode.WorkspaceFolder, host: string): Promise<boolean> {
  const allow = 'Serve on ' + host;
  const pick = await vscode.window.showWarningMessage(
    `The settings of ${folder.name} ask to serve its database on ${host}, beyond this machine's loopback address. ` +
      'Anyone who can reach that address could then read, change and delete its tables (unless signed requests are required).',
    { modal: true, detail: 'Choose Cancel to keep the endpoint on 127.0.0.1.' },
    allow,
  );
  return pick === allow;
}

export class EndpointSecurity {
  /** Answers being asked or given this session, so restarts (a settings change fires several) ask once. */
  private readonly answers = new Map<string, Promise<boolean>>();

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly state: vscode.Memento,
    private readonly log: (message: string) => void = () => undefined,
    public consent: HostConsent = askModal,
  ) {}

  /** The address to bind for `folder`: the configured one when it is loopback, trusted and agreed to; else 127.0.0.1. */
  async host(folder: vscode.WorkspaceFolder, configured: string): Promise<string> {
    if (isLoopbackHost(configured)) return configured;
    if (!vscode.workspace.isTrusted) {
      this.log(`${folder.name}: endpoint.host ${configured} ignored: the workspace is not trusted; serving on ${LOOPBACK}`);
      return LOOPBACK;
    }
    const key = HOST_CONSENT_PREFIX + folder.uri.toString() + '|' + configured;
    if (this.state.get<boolean>(key) === true) return configured;
    // A refusal holds for the session; a consent is kept in the workspace state.
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = this.consent(folder, configured).then(async (allowed) => {
        if (allowed) await this.state.update(key, true);
        return allowed;
      });
      this.answers.set(key, answer);
    }
    if (!(await answer)) {
      this.log(`${folder.name}: serving on ${LOOPBACK}: binding ${configured} was not allowed`);
      return LOOPBACK;
    }
    return configured;
  }

  /** The keys requests must be signed with, or undefined when `requireSignature` is off for `folder`. */
  async accessKeys(folder: vscode.WorkspaceFolder): Promise<Map<string, string> | undefined> {
    if (!vscode.workspace.getConfiguration('dynamoWorkspace', folder.uri).get<boolean>('endpoint.requireSignature', false)) return undefined;
    const keys = await this.storedKeys();
    if (keys.size === 0) {
      this.log(`${folder.name}: signed requests are required but no access key is set: every request is refused until one is ("Set Endpoint Access Key…")`);
      const set = 'Set Endpoint Access Key…';
      void showMessage('warning', `The endpoint of ${folder.name} requires signed requests, but no access key is set: it refuses every request.`, set).then((pick) => {
        if (pick === set) void vscode.commands.executeCommand(COMMANDS.setEndpointAccessKey);
      });
    }
    return keys;
  }

  /**
   * Credentials to reach another window's endpoint for the same folder (a shared database): the
   * stored key, which that endpoint accepts whether or not it checks signatures.
   */
  async signingCredentials(): Promise<{ accessKeyId: string; secretAccessKey: string } | undefined> {
    const first = [...(await this.storedKeys())][0];
    return first === undefined ? undefined : { accessKeyId: first[0], secretAccessKey: first[1] };
  }

  private async storedKeys(): Promise<Map<string, string>> {
    const keys = new Map<string, string>();
    const stored = await this.secrets.get(ACCESS_KEYS_SECRET);
    if (stored !== undefined) {
      try {
        const parsed = JSON.parse(stored) as unknown;
        if (typeof parsed === 'object' && parsed !== null) {
          for (const [id, secret] of Object.entries(parsed)) if (typeof secret === 'string' && id !== '' && secret !== '') keys.set(id, secret);
        }
      } catch {
        this.log('The stored endpoint access key is unreadable; set it again with "Set Endpoint Access Key…"');
      }
    }
    return keys;
  }

  /** Stores `accessKeyId` / `secret` as the one key the endpoints accept. */
  async setAccessKey(accessKeyId: string, secret: string): Promise<void> {
    await this.secrets.store(ACCESS_KEYS_SECRET, JSON.stringify({ [accessKeyId]: secret }));
  }

  /** Removes the stored key: endpoints that require signatures then refuse every request. */
  async forgetAccessKeys(): Promise<void> {
    await this.secrets.delete(ACCESS_KEYS_SECRET);
  }

  /** The command: asks for an access key id and its secret, and stores them. Returns whether one was stored. */
  async promptAccessKey(): Promise<boolean> {
    const accessKeyId = await vscode.window.showInputBox({
      title: 'Endpoint access key (1/2)',
      prompt: 'Access key id that clients of the workspace endpoints sign with',
      value: 'AKIDWORKSPACE',
      validateInput: (v) => (/^[A-Za-z0-9]{1,128}$/.test(v) ? undefined : 'Letters and digits only'),
    });
    if (accessKeyId === undefined) return false;
    const secret = await vscode.window.showInputBox({
      title: 'Endpoint access key (2/2)',
      prompt: `Secret access key for ${accessKeyId} (kept in VS Code's secret storage)`,
      password: true,
      validateInput: (v) => (v.length >= 8 && !/[\s:,]/.test(v) ? undefined : 'At least 8 characters, no spaces, colons or commas'),
    });
    if (secret === undefined) return false;
    await this.setAccessKey(accessKeyId, secret);
    return true;
  }
}
