import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A sandbox's state, kept across restarts like a real vendor's database: a JSON file rewritten after every
 * change (write to a temporary file, then rename, so a crash never leaves half a file). Without a file the
 * state lives in memory only, which is what tests want. Sandbox data is small; a synchronous write per change
 * keeps "acknowledged means stored" simple.
 */
export interface SandboxStore<TState> {
  readonly state: TState;
  /** Call after every change that the vendor would have committed. */
  save(): void;
}

export interface SandboxStoreOptions<TState> {
  /** Where to keep the state; undefined keeps it in memory only. */
  file: string | undefined;
  /** The state of a new, empty vendor (seeding happens here, so a restored file is never seeded twice). */
  initial: () => TState;
  /** State to JSON-safe data (Maps become arrays, and so on). */
  serialize: (state: TState) => unknown;
  /** The inverse of `serialize`, for a file written by an earlier run. */
  deserialize: (data: unknown) => TState;
}

export function openSandboxStore<TState>(options: SandboxStoreOptions<TState>): SandboxStore<TState> {
  const { file } = options;
  let state: TState | undefined;
  if (file) {
    try {
      state = options.deserialize(JSON.parse(readFileSync(file, 'utf8')) as unknown);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new Error(`Sandbox state in ${file} cannot be read; delete it to start empty.`, {
          cause: error,
        });
      }
    }
  }
  const store: SandboxStore<TState> = {
    state: state ?? options.initial(),
    save() {
      if (!file) return;
      mkdirSync(dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(options.serialize(store.state)));
      renameSync(temporary, file);
    },
  };
  if (file && state === undefined) store.save();
  return store;
}
