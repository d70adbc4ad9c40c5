/** JSON requests to the lab API of a running lab, as an outside tool sends them. */
import type { Lab } from '../lab';

/** An error reply of the lab API, with the status and the `error` object of its body. */
export class LabApiError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`${method} ${path} failed with HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

/** Sends a JSON request to the lab API and returns the parsed reply; rejects with LabApiError on a status of 400 or more. */
export async function labApiRequest(lab: Lab, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const url = new URL(path, lab.consoleUrl);
  const init: RequestInit = { method, headers: body === undefined ? {} : { 'content-type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const reply = await fetch(url, init);
  const text = await reply.text();
  const parsed: unknown = text === '' ? {} : JSON.parse(text);
  if (reply.status >= 400) throw new LabApiError(method, path, reply.status, parsed);
  return parsed as Record<string, unknown>;
}
