/**
 * Which browser origins may open a WebSocket to the gateway. Browsers send `Origin` on every WebSocket handshake
 * and, unlike `fetch`, apply no CORS check to it: the server is the only place a page from another site can be
 * kept out. Non-browser clients send no `Origin` and are let through (they authenticate with their key anyway).
 */
export interface OriginPolicy {
  allows(origin: string | undefined): boolean;
}

/** `*` allows every origin; anything else must be an origin (`https://app.example.com`), compared normalised. */
export const ANY_ORIGIN = '*';

export function normaliseOrigin(value: string): string | undefined {
  if (value === 'null') return undefined;
  try {
    const url = new URL(value);
    return url.origin === 'null' ? undefined : url.origin;
  } catch {
    return undefined;
  }
}

/**
 * The gateway's own origins (loopback names on its port, and the host it listens on) are always allowed, as are
 * `allowed`. `port` is read on each check: it is known only once the server listens.
 */
export function originPolicy(options: {
  allowed: readonly string[];
  host: string;
  port: () => number;
}): OriginPolicy {
  const any = options.allowed.includes(ANY_ORIGIN);
  const configured = new Set<string>();
  for (const entry of options.allowed) {
    if (entry === ANY_ORIGIN) continue;
    const origin = normaliseOrigin(entry);
    // A typo here would silently lock a frontend out; refusing to start says which entry is wrong.
    if (!origin) throw new TypeError(`allowedOrigins: not an origin: ${entry}`);
    configured.add(origin);
  }
  const own = (): Set<string> => {
    const port = options.port();
    const hosts = ['localhost', '127.0.0.1', '[::1]'];
    if (options.host !== '0.0.0.0' && options.host !== '::') {
      hosts.push(options.host.includes(':') ? `[${options.host}]` : options.host);
    }
    return new Set(hosts.map((host) => normaliseOrigin(`http://${host}:${port}`)!));
  };
  return {
    allows(origin) {
      if (origin === undefined) return true;
      if (any) return true;
      const normalised = normaliseOrigin(origin);
      if (!normalised) return false;
      return configured.has(normalised) || own().has(normalised);
    },
  };
}
