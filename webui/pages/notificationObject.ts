/** Objects Setting >> Notification Object: named sets of events, edited per index (`?index=N`). */
import { EVENT_CATEGORIES, NOTIFICATION_OBJECT_COUNT, type AlertsConfig } from '../../firmware';
import { FormError, formString } from '../form';
import type { Session } from '../sessions';
import { saveSection } from './configForm';
import type { PageView } from '.';

export const notificationObjectPage: PageView = {
  get(request, response, { firmware, page }) {
    const config = firmware.store.get<AlertsConfig>('alerts');
    if (request.query.index !== undefined) {
      const index = objectIndex(String(request.query.index));
      response.render('notificationObject', { title: page.title, page, mode: 'edit', index, object: config.notificationObjects[index - 1], categories: EVENT_CATEGORIES });
      return;
    }
    response.render('notificationObject', { title: page.title, page, mode: 'list', objects: config.notificationObjects, categories: EVENT_CATEGORIES });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const index = objectIndex(formString(request.body, 'index', { required: true, maxLength: 4 }));
    const known = new Map(EVENT_CATEGORIES.flatMap((category) => category.events).map((event) => [event.id, event]));
    const raw = (request.body as Record<string, unknown>).events;
    const selected = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    for (const value of selected) {
      if (typeof value !== 'string' || !known.has(value)) throw new FormError([{ field: 'events', message: `contains an unknown event "${String(value)}"` }]);
      if (!known.get(value)!.emulated) throw new FormError([{ field: 'events', message: `"${known.get(value)!.label}" is not emulated in this version and cannot be selected` }]);
    }

    const config = firmware.store.get<AlertsConfig>('alerts');
    const object = { name: formString(request.body, 'name', { maxLength: 64 }).trim(), events: [...new Set(selected as string[])] };
    config.notificationObjects[index - 1] = object;
    const fieldErrors = await saveSection(firmware, 'alerts', config, session, `alerts.notificationObjects.${index - 1}`);
    if (fieldErrors) {
      response.status(400).render('notificationObject', { title: page.title, page, mode: 'edit', index, object, categories: EVENT_CATEGORIES, fieldErrors, flash: { kind: 'error', text: `Notification object ${index} was not saved; correct the marked fields.` } });
      return;
    }
    session.flash = { kind: 'ok', text: `Notification object ${index} saved.` };
    response.redirect(303, page.url);
  },
};

function objectIndex(text: string): number {
  const index = Number(text);
  if (!Number.isInteger(index) || index < 1 || index > NOTIFICATION_OBJECT_COUNT) throw new FormError([{ field: 'index', message: `must be a whole number from 1 to ${NOTIFICATION_OBJECT_COUNT}` }]);
  return index;
}
