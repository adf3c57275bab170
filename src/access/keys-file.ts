import { readFileSync } from 'node:fs';
import { KEY_SCOPES, keyDigest } from '../auth.js';
import type { ClientKey, KeyScope } from '../auth.js';

/**
 * `GATEWAY_KEYS_FILE`: a JSON array of client keys, each with a name, scopes and optionally the partners it is
 * bound to. Checked whole at start: the first broken rule stops the gateway with a message naming the entry
 * (by index and name) and the field. A key's value is never part of a message, a log line or an error.
 */
export class KeysFileError extends Error {}

const FIELDS = ['key', 'sha256', 'name', 'scopes', 'partners'] as const;
/** The same floor as `GATEWAY_API_KEYS`: a short key is guessable. */
const MIN_KEY_LENGTH = 16;
const MAX_NAME_LENGTH = 100;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One entry, or a KeysFileError naming `entry[index].field` and the rule. */
function parseEntry(value: unknown, index: number, where: string): ClientKey {
  const at = (field?: string) => `${where}[${index}]${field ? `.${field}` : ''}`;
  if (!isRecord(value)) throw new KeysFileError(`${at()} must be an object.`);
  for (const field of Object.keys(value)) {
    if (!(FIELDS as readonly string[]).includes(field)) {
      throw new KeysFileError(`${at(field)} is not a known field (known: ${FIELDS.join(', ')}).`);
    }
  }

  const { name } = value;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_NAME_LENGTH) {
    throw new KeysFileError(
      `${at('name')} is required: 1 to ${MAX_NAME_LENGTH} characters, not only blanks.`,
    );
  }
  const named = (field: string) => `${at(field)} (key "${name}")`;

  const hasKey = value.key !== undefined;
  const hasHash = value.sha256 !== undefined;
  if (hasKey === hasHash) {
    throw new KeysFileError(
      `${at()} (key "${name}") must have exactly one of "key" and "sha256", not ${hasKey ? 'both' : 'neither'}.`,
    );
  }
  let digest: Buffer;
  if (hasKey) {
    if (typeof value.key !== 'string' || value.key.length < MIN_KEY_LENGTH || /\s/.test(value.key)) {
      throw new KeysFileError(
        `${named('key')} must be a string of at least ${MIN_KEY_LENGTH} characters without blanks.`,
      );
    }
    digest = keyDigest(value.key);
  } else {
    if (typeof value.sha256 !== 'string' || !SHA256_HEX.test(value.sha256)) {
      throw new KeysFileError(
        `${named('sha256')} must be the SHA-256 of the key as 64 hexadecimal digits (e.g. \`printf %s "$KEY" | sha256sum\`).`,
      );
    }
    digest = Buffer.from(value.sha256, 'hex');
  }

  const { scopes } = value;
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new KeysFileError(`${named('scopes')} is required: a non-empty list of ${KEY_SCOPES.join(', ')}.`);
  }
  for (const [position, scope] of scopes.entries()) {
    if (!(KEY_SCOPES as readonly unknown[]).includes(scope)) {
      throw new KeysFileError(
        `${named(`scopes[${position}]`)} is not a known scope (known: ${KEY_SCOPES.join(', ')}).`,
      );
    }
  }
  if (new Set(scopes).size !== scopes.length) {
    throw new KeysFileError(`${named('scopes')} must name each scope at most once.`);
  }

  let partners: string[] | undefined;
  if (value.partners !== undefined) {
    if (!Array.isArray(value.partners) || value.partners.length === 0) {
      throw new KeysFileError(
        `${named('partners')} must be a non-empty list of PartnerPortal partner ids (omit it for all partners).`,
      );
    }
    for (const [position, partner] of value.partners.entries()) {
      if (typeof partner !== 'string' || partner.trim() === '' || partner !== partner.trim()) {
        throw new KeysFileError(
          `${named(`partners[${position}]`)} must be a PartnerPortal partner id (a string without surrounding blanks).`,
        );
      }
    }
    partners = value.partners as string[];
    if (new Set(partners).size !== partners.length) {
      throw new KeysFileError(`${named('partners')} must name each partner at most once.`);
    }
  }

  return { digest, name, scopes: scopes as KeyScope[], ...(partners ? { partners } : {}) };
}

/** The entries of a keys file's text. `where` names it in messages (the variable name). */
export function parseKeysFile(text: string, where = 'GATEWAY_KEYS_FILE'): ClientKey[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // JSON.parse's own message quotes the text around the mistake, which may be a key: never pass it on.
    throw new KeysFileError(`${where} is not valid JSON.`);
  }
  if (!Array.isArray(parsed)) throw new KeysFileError(`${where} must hold a JSON array of keys.`);
  if (parsed.length === 0) throw new KeysFileError(`${where} holds no keys: list at least one.`);
  const keys = parsed.map((entry, index) => parseEntry(entry, index, where));
  const names = new Map<string, number>();
  const digests = new Map<string, number>();
  for (const [index, key] of keys.entries()) {
    const sameName = names.get(key.name);
    if (sameName !== undefined) {
      throw new KeysFileError(
        `${where}[${index}].name: "${key.name}" is already the name of entry ${sameName}; names must be unique.`,
      );
    }
    names.set(key.name, index);
    const hex = key.digest.toString('hex');
    const sameKey = digests.get(hex);
    if (sameKey !== undefined) {
      throw new KeysFileError(
        `${where}[${index}] (key "${key.name}") is the same key as entry ${sameKey}; each key may appear once.`,
      );
    }
    digests.set(hex, index);
  }
  return keys;
}

/** Reads and parses the file at `path`. */
export function loadKeysFile(path: string, where = 'GATEWAY_KEYS_FILE'): ClientKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unreadable';
    throw new KeysFileError(`${where}: cannot read "${path}" (${code}).`);
  }
  return parseKeysFile(text, where);
}
