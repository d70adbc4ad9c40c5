/**
 * Objects Setting >> IP Object: the list of 192 objects in pages of 32, as the Vigor shows them,
 * and an edit form per index (`?index=N`). Clearing the name frees the object.
 */
import { emptyIpObject, IP_OBJECT_COUNT, type IpObject, type ObjectsConfig } from '../../firmware';
import { FormError, formChoice, formString } from '../form';
import type { Session } from '../sessions';
import { formNumber, saveSection } from './configForm';
import type { PageView } from '.';

const PAGE_SIZE = 32;
const INTERFACES = ['any', 'lan', 'wan'] as const;
const TYPES = ['single', 'range', 'mask', 'any'] as const;

export const ipObjectPage: PageView = {
  get(request, response, { firmware, page }) {
    const objects = firmware.store.get<ObjectsConfig>('objects').ipObjects;
    const index = Number(request.query.index);
    if (request.query.index !== undefined) {
      if (!Number.isInteger(index) || index < 1 || index > IP_OBJECT_COUNT) throw new FormError([{ field: 'index', message: `must be a whole number from 1 to ${IP_OBJECT_COUNT}` }]);
      response.render('ipObject', { title: page.title, page, mode: 'edit', index, object: objects[index - 1] });
      return;
    }
    const pageNumber = Math.min(Math.max(Number(request.query.page) || 1, 1), IP_OBJECT_COUNT / PAGE_SIZE);
    const rows = objects.slice((pageNumber - 1) * PAGE_SIZE, pageNumber * PAGE_SIZE).map((object, offset) => ({ index: (pageNumber - 1) * PAGE_SIZE + offset + 1, object }));
    response.render('ipObject', { title: page.title, page, mode: 'list', rows, pageNumber, pageCount: IP_OBJECT_COUNT / PAGE_SIZE });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const index = formNumber(formString(request.body, 'index', { required: true, maxLength: 8 }));
    if (typeof index !== 'number' || index < 1 || index > IP_OBJECT_COUNT) throw new FormError([{ field: 'index', message: `must be a whole number from 1 to ${IP_OBJECT_COUNT}` }]);

    const name = formString(request.body, 'name', { maxLength: 64 }).trim();
    const object: IpObject =
      name === ''
        ? emptyIpObject()
        : {
            name,
            interface: formChoice(request.body, 'interface', INTERFACES),
            type: formChoice(request.body, 'type', TYPES),
            startIp: formString(request.body, 'startIp', { maxLength: 64 }).trim(),
            endIp: formString(request.body, 'endIp', { maxLength: 64 }).trim(),
            prefixLength: formNumber(formString(request.body, 'prefixLength', { maxLength: 8 }) || '32') as number,
          };

    const config = firmware.store.get<ObjectsConfig>('objects');
    config.ipObjects[index - 1] = object;
    const fieldErrors = await saveSection(firmware, 'objects', config, session, `objects.ipObjects.${index - 1}`);
    if (fieldErrors) {
      response.status(400).render('ipObject', { title: page.title, page, mode: 'edit', index, object, fieldErrors, flash: { kind: 'error', text: `IP object ${index} was not saved; correct the marked fields.` } });
      return;
    }
    session.flash = { kind: 'ok', text: name === '' ? `IP object ${index} was cleared.` : `IP object ${index} (${name}) was saved.` };
    response.redirect(303, `${page.url}?page=${Math.ceil(index / PAGE_SIZE)}`);
  },
};
