/**
 * Applications >> SMS/Mail Alert Service: alert rules (enable, mail service object, recipients,
 * notification object, schedule) and the queue of pending, sent and failed alerts (`?tab=queue`).
 */
import { ALERT_RULE_COUNT, MAX_RECIPIENTS, type AlertsConfig, type AlertRule } from '../../firmware';
import { FormError, formCheckbox, formString } from '../form';
import type { Session } from '../sessions';
import { formNumber, saveSection } from './configForm';
import type { PageView } from '.';

export const mailAlertPage: PageView = {
  get(request, response, { firmware, page }) {
    if (request.query.tab === 'queue') {
      response.render('mailAlert', { title: page.title, page, mode: 'queue', alerts: firmware.alerts.queue.list() });
      return;
    }
    response.render('mailAlert', { ...listModel(firmware.store.get<AlertsConfig>('alerts').rules, firmware), title: page.title, page });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const config = firmware.store.get<AlertsConfig>('alerts');
    const rules: AlertRule[] = [];
    for (let index = 1; index <= ALERT_RULE_COUNT; index += 1) {
      const recipients = formString(request.body, `recipients_${index}`, { maxLength: 3000 })
        .split(/[,;\s]+/)
        .map((address) => address.trim())
        .filter(Boolean);
      if (recipients.length > MAX_RECIPIENTS) throw new FormError([{ field: `recipients_${index}`, message: `must list at most ${MAX_RECIPIENTS} addresses` }]);
      rules.push({
        enabled: formCheckbox(request.body, `enabled_${index}`),
        mailProfile: formNumber(formString(request.body, `mailProfile_${index}`, { maxLength: 4 }) || '0') as number,
        recipients,
        notificationObject: formNumber(formString(request.body, `notificationObject_${index}`, { maxLength: 4 }) || '0') as number,
        schedule: {
          always: formString(request.body, `schedule_${index}`, { maxLength: 16 }) !== 'window',
          from: formString(request.body, `from_${index}`, { maxLength: 8 }) || '00:00',
          to: formString(request.body, `to_${index}`, { maxLength: 8 }) || '23:59',
        },
      });
    }
    const fieldErrors = await saveSection(firmware, 'alerts', { ...config, rules }, session, 'alerts.rules');
    if (fieldErrors) {
      response.status(400).render('mailAlert', { ...listModel(rules, firmware), title: page.title, page, fieldErrors, flash: { kind: 'error', text: 'The alert rules were not saved; correct the marked fields.' } });
      return;
    }
    session.flash = { kind: 'ok', text: 'The alert rules were saved.' };
    response.redirect(303, page.url);
  },
};

function listModel(rules: AlertRule[], firmware: import('../../firmware').Firmware) {
  return {
    mode: 'rules',
    rules,
    profiles: firmware.mail.profiles().map((profile, index) => ({ index: index + 1, name: profile.name })).filter((profile) => profile.name !== ''),
    objects: firmware.store.get<AlertsConfig>('alerts').notificationObjects.map((object, index) => ({ index: index + 1, name: object.name })).filter((object) => object.name !== ''),
  };
}
