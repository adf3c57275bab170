import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { captureLog, secretsInEnv } from './test-artifacts.js';
import type { LogCapture } from './test-artifacts.js';

export interface StartedMain {
  child: ChildProcess;
  /** `http://127.0.0.1:PORT/graphql` as the banner printed it. */
  url: string;
  origin: string;
  /** The key the banner printed (a generated one), or undefined when keys were configured. */
  generatedKey: string | undefined;
  output: () => string;
}

/**
 * The built `main` with the given environment, its output captured (and kept in test-artifacts/ with the
 * secrets of its environment, for the secret scan over the whole suite).
 */
function spawnMain(env: Record<string, string>): {
  child: ChildProcess;
  capture: LogCapture;
  output: () => string;
} {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const capture: LogCapture = captureLog('main');
  capture.recordSecrets(secretsInEnv(env));
  let output = '';
  // The banner prints a generated key for the person at the terminal: it is not a log line.
  let banner = true;
  child.stdout?.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    capture.write(banner ? text.replace(/API key: +\S+/, 'API key: [banner]') : text);
    if (/API key: +\S+/.test(output)) banner = false;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    capture.write(chunk.toString());
  });
  child.once('exit', () => capture.close());
  return { child, capture, output: () => output };
}

/** `npm start` as a user runs it (the built `main`), on a free loopback port, with the given environment. */
export async function startMain(env: Record<string, string>): Promise<StartedMain> {
  const { child, capture, output: current } = spawnMain(env);
  let output = current();
  // A fresh data directory runs initdb (~8 s idle, over 30 s on a loaded machine).
  const deadline = Date.now() + 120_000;
  while (!/API key: +\S+/.test((output = current()))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`main did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const url = /GraphQL: +(\S+)/.exec(output)?.[1] ?? '';
  const key = /API key: +(\S+)/.exec(output)?.[1];
  if (key && key !== 'one') capture.recordSecrets([{ kind: 'generated client API key', value: key }]);
  return {
    child,
    url,
    origin: url.replace(/\/graphql$/, ''),
    generatedKey: key === 'one' ? undefined : key,
    output: current,
  };
}

/** Runs `main` expecting it to refuse to start: its exit code and everything it wrote. */
export async function runMainToExit(
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = spawnMain(env);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  try {
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, output: output() };
  } finally {
    clearTimeout(timer);
  }
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
