import type { ActiveFaultRule, FaultRule } from '../../src/vendors/sandbox-faults.js';
import { FAULT_CONTROL_PATH } from '../../src/vendors/sandbox-faults.js';

/**
 * The sandboxes' fault control route, over HTTP (the sandbox must run with `faultControl: true`, as the test stack
 * starts them). `origin` is the sandbox's origin (`sandbox.origin`), not its base URL.
 */
export async function setFaults(
  origin: string,
  rules: FaultRule[],
  seed?: number,
): Promise<ActiveFaultRule[]> {
  const response = await fetch(`${origin}${FAULT_CONTROL_PATH}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(seed === undefined ? { rules } : { rules, seed }),
  });
  const body = (await response.json()) as { rules?: ActiveFaultRule[]; error?: string };
  if (response.status !== 200 || !body.rules) {
    throw new Error(`setFaults: ${response.status} ${body.error ?? JSON.stringify(body)}`);
  }
  return body.rules;
}

export async function clearFaults(origin: string): Promise<void> {
  const response = await fetch(`${origin}${FAULT_CONTROL_PATH}`, { method: 'DELETE' });
  if (response.status !== 204) throw new Error(`clearFaults: ${response.status} ${await response.text()}`);
}

/** The rules in force, with what is left of their counts. */
export async function getFaults(origin: string): Promise<ActiveFaultRule[]> {
  const response = await fetch(`${origin}${FAULT_CONTROL_PATH}`);
  if (response.status !== 200) throw new Error(`getFaults: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { rules: ActiveFaultRule[] }).rules;
}
