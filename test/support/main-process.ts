import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface StartedMain {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT/graphql` as the banner printed it. */
  url: string;
  origin: string;
  /** The key the banner printed (a generated one), or undefined when keys were configured. */
  generatedKey: string | undefined;
  output: () => string;
}

/** `npm start` as a user runs it (the built `main`), on a free loopback port, with the given environment. */
export async function startMain(env: Record<string, string>): Promise<StartedMain> {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!/API key: +\S+/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`main did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /GraphQL: +(\S+)/.exec(output)?.[1] ?? '';
  const key = /API key: +(\S+)/.exec(output)?.[1];
  return {
    child,
    url,
    origin: url.replace(/\/graphql$/, ''),
    generatedKey: key === 'one' ? undefined : key,
    output: () => output,
  };
}

/** SIGTERM, then the exit code (a clean shutdown is 0); fails if the process lingers. */
export async function stopMain(started: StartedMain): Promise<number | null> {
  if (started.child.exitCode !== null) return started.child.exitCode;
  started.child.kill('SIGTERM');
  const [code] = (await Promise.race([
    once(started.child, 'exit'),
    new Promise((_, reject) => setTimeout(() => reject(new Error('no exit within 10 s of SIGTERM')), 10_000)),
  ])) as [number | null];
  return code;
}
