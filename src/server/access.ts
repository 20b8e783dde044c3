// Who may talk to the endpoint. A page on another site can reach a loopback port from the user's
// browser, directly (it sends an Origin header) or through DNS rebinding (its own host name then
// resolves to 127.0.0.1, and the Host header still carries that name). So by default:
//   - the Host header must name this endpoint: localhost, 127.0.0.1 or [::1] (plus the bound
//     address, or every local interface address when bound to a wildcard) with the served port;
//   - a request with an Origin header is refused unless that origin is allowed (none by default),
//     and only allowed origins get CORS headers or preflight grants.
// Requests without an Origin (SDKs, the CLI, curl) need no grant; a request without Host cannot
// come from a browser and is let through, and so is a Host without a port: a rebinding page must
// share the endpoint's port to be same-origin with it, and a browser then names that port.
import { networkInterfaces } from 'node:os';
import type { RequestHeaders } from './headers';
import { accessDenied, type WireError } from './wire-errors';

export interface AccessOptions {
  /** The address the endpoint is bound to. */
  host: string;
  /** Extra Host names accepted (with the served port), e.g. a name in /etc/hosts. */
  allowedHosts?: readonly string[];
  /** Origins (scheme://host[:port]) whose pages may call the endpoint. Default: none. */
  allowedOrigins?: readonly string[];
}

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** Whether binding `host` keeps the endpoint on this machine (the loopback name or addresses). */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** How an address appears in a Host header: IPv6 in brackets, lower case. */
function hostName(address: string): string {
  const a = address.toLowerCase();
  return a.includes(':') && !a.startsWith('[') ? `[${a}]` : a;
}

/** An origin as browsers send it: lower-case scheme and host, no trailing slash. */
export function normalizeOrigin(origin: string): string {
  return origin.trim().replace(/\/+$/, '').toLowerCase();
}

function interfaceAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) for (const info of list ?? []) out.push(info.address);
  return out;
}

export class AccessPolicy {
  private readonly names = new Set<string>();
  private readonly origins = new Set<string>();
  /** The last Host accepted and its port: clients repeat theirs on every request. */
  private lastHost: string | undefined;
  private lastPort = -1;

  constructor(options: AccessOptions) {
    for (const name of LOOPBACK_NAMES) this.names.add(name);
    const bound = options.host;
    if (bound === '0.0.0.0' || bound === '::' || bound === '') for (const a of interfaceAddresses()) this.names.add(hostName(a));
    else this.names.add(hostName(bound));
    for (const name of options.allowedHosts ?? []) this.names.add(hostName(name.trim()));
    for (const origin of options.allowedOrigins ?? []) this.origins.add(normalizeOrigin(origin));
  }

  /** Whether the Host header names this endpoint on `port` (the socket's local port), or names it without a port. */
  hostAllowed(host: string | undefined, port: number): boolean {
    if (host === undefined) return true;
    const value = host.trim().toLowerCase();
    let name = value;
    let hostPort = port;
    const close = value.startsWith('[') ? value.indexOf(']') : -1;
    const colon = value.indexOf(':', close + 1);
    if (colon >= 0) {
      name = value.slice(0, colon);
      const digits = value.slice(colon + 1);
      if (!/^\d{1,5}$/.test(digits)) return false;
      hostPort = Number(digits);
    }
    if (name.endsWith('.')) name = name.slice(0, -1);
    return hostPort === port && this.names.has(name);
  }

  originAllowed(origin: string): boolean {
    return this.origins.has(normalizeOrigin(origin));
  }

  /** The refusal for a request, or undefined when it may go on. */
  check(h: RequestHeaders, port: number): WireError | undefined {
    if (h.origin === undefined && h.host === this.lastHost && port === this.lastPort) return undefined;
    if (!this.hostAllowed(h.host, port)) {
      return accessDenied(
        `Host '${h.host}' is not this endpoint (expected localhost, 127.0.0.1 or [::1] with port ${port}); ` +
          'add the name with --allow-host or the allowedHosts option if it is meant to reach this endpoint',
      );
    }
    if (h.origin !== undefined && !this.originAllowed(h.origin)) {
      return accessDenied(
        `Origin '${h.origin}' is not allowed to call this endpoint; ` + 'allow a web app with --allow-origin <origin> or the allowedOrigins option',
      );
    }
    this.lastHost = h.host;
    this.lastPort = port;
    return undefined;
  }
}
