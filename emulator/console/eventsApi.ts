/**
 * GET /api/events: a Server-Sent Events stream of live lab state for the console page. Each event
 * carries the lab time it was sent at, so a page shows the lab clock without polling.
 *
 * Event types (the `event:` field) and their `data:` JSON:
 * - `clock`: the lab clock state, on every mode change or advance and every CLOCK_TICK_MS of host time;
 * - `router`: one router's view (ports, LEDs, sensors) after a link, address, LED or sensor change,
 *   and every router's view after a snapshot restore or a reset to factory;
 * - `timeline`: each new timeline event.
 */
import express, { type Response, type Router } from 'express';
import type { Lab } from '../lab';
import type { RouterDevice } from '../router';
import type { TimelineEvent } from '../timeline';
import { methodNotAllowed } from './errors';
import { rejectQueryParameters } from './validate';
import { routerView } from './views';

/** Host time between two `clock` events while nothing else happens, so the shown time moves. */
export const CLOCK_TICK_MS = 1000;

/** Host time between two comment lines that keep idle proxies from closing the stream. */
export const KEEPALIVE_MS = 15_000;

export function createEventsApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/events')
    .get(rejectQueryParameters, (req, res) => {
      res.status(200).set({ 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.flushHeaders();
      const unsubscribe = subscribe(lab, res);
      req.on('close', unsubscribe);
    })
    .all(methodNotAllowed(['GET']));

  return api;
}

/** Writes one event; `data` is JSON on a single line, as the SSE format requires. */
function send(res: Response, type: string, data: unknown): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

/** Sends the current state, then every change, until the returned function is called. */
function subscribe(lab: Lab, res: Response): () => void {
  const removals: (() => void)[] = [];
  const on = (emitter: NodeJS.EventEmitter, name: string, listener: Parameters<NodeJS.EventEmitter['on']>[1]) => {
    emitter.on(name, listener);
    removals.push(() => emitter.off(name, listener));
  };

  const sendClock = () => send(res, 'clock', lab.clock.state());
  const sendRouter = (router: RouterDevice) => send(res, 'router', { ...routerView(router), time: lab.clock.now() });

  // A snapshot restore or reset replaces the router objects, so their listeners move to the new ones.
  let routerRemovals: (() => void)[] = [];
  const subscribeRouters = () => {
    for (const remove of routerRemovals) remove();
    routerRemovals = [];
    const onRouter = (emitter: NodeJS.EventEmitter, name: string, listener: () => void) => {
      emitter.on(name, listener);
      routerRemovals.push(() => emitter.off(name, listener));
    };
    for (const router of lab.routers) {
      sendRouter(router);
      const update = () => sendRouter(router);
      onRouter(router.hardware, 'leds', update);
      onRouter(router.hardware.ports, 'link', update);
      onRouter(router.hardware.ports, 'address', update);
      onRouter(router.hardware.sensors, 'change', update);
    }
  };

  sendClock();
  subscribeRouters();
  on(lab.events, 'reloaded', subscribeRouters);
  removals.push(() => routerRemovals.forEach((remove) => remove()));
  on(lab.clock, 'change', sendClock);
  on(lab.timeline, 'event', (event: TimelineEvent) => send(res, 'timeline', event));

  const tick = setInterval(sendClock, CLOCK_TICK_MS);
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
  tick.unref();
  keepalive.unref();

  let closed = false;
  return () => {
    if (closed) return;
    closed = true;
    clearInterval(tick);
    clearInterval(keepalive);
    for (const remove of removals) remove();
  };
}
