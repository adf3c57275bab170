// Child processes of the harness and what /proc says about them (Linux only).
import { spawn, fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer } from 'node:net';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux build in use). */
const USER_HZ = 100;

/** CPU seconds used so far, current and peak resident set of a process. */
export function procStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { cpuSeconds: (utime + stime) / USER_HZ, rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024 };
}

/** A free loopback port (bound and released; good enough for children started right after). */
export async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts `node args…`, keeping the last lines of its output for the error message if it dies. */
export function startNode(args, { env = {}, cwd, name }) {
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail = [];
  const keep = (chunk) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 30));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.name = name;
  child.tail = tail;
  child.exited = once(child, 'exit');
  child.spawnedAt = performance.now();
  return child;
}

/** Polls `url` until it answers 2xx (or the child dies, or `timeoutMs` passes). */
export async function waitForHttp(child, url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let died = false;
  child.exited.then(() => (died = true));
  while (Date.now() < deadline) {
    if (died) throw new Error(`${child.name} exited before it was ready:\n${child.tail.join('\n')}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} did not answer ${url} within ${timeoutMs} ms:\n${child.tail.join('\n')}`);
}

/** SIGTERM, then SIGKILL after `graceMs` (a gateway finishes its in-flight requests first). */
export async function stopChild(child, graceMs = 5_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** A forked ESM module talking over IPC: `request(message)` answers the next message of the same type. */
export function forkModule(path, name) {
  const child = fork(path, [], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const tail = [];
  const keep = (chunk) => {
    tail.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 30));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.name = name;
  child.tail = tail;
  child.exited = once(child, 'exit');
  child.next = (type) =>
    new Promise((resolve, reject) => {
      const onMessage = (message) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(message);
      };
      const onExit = () => reject(new Error(`${name} exited:\n${tail.join('\n')}`));
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  child.request = (message) => {
    const answer = child.next(message.type);
    child.send(message);
    return answer;
  };
  return child;
}

/** Resets a process's peak resident set (VmHWM) to its current size, so the next reading is this run's peak. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // Not permitted here: the peak then covers the process's whole life so far (said in the report).
  }
}
