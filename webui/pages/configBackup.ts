/** System Maintenance >> Configuration Backup: download a backup, restore one from a file. */
import multer from 'multer';
import { FirmwareError } from '../../firmware';
import type { Session } from '../sessions';
import type { PageView } from '.';

/** A backup of every module stays far below this; larger uploads are not backups. */
const MAX_BACKUP_BYTES = 1024 * 1024;
const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_BACKUP_BYTES, files: 1, fields: 5 } });

export const configBackupPage: PageView = {
  get(_request, response, { page }) {
    response.render('configBackup', { title: page.title, page });
  },

  upload(request, response, next) {
    upload.single('backupFile')(request, response, (error: unknown) => {
      if (!error) return next();
      const reason = error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE'
        ? `The file is larger than ${MAX_BACKUP_BYTES / 1024} KiB, so it is not a configuration backup of this router.`
        : `The upload could not be read: ${(error as Error).message}. Choose the backup file again.`;
      const message = `backupFile: ${reason}`;
      response.status(400).render('configBackup', { title: 'Configuration Backup', flash: { kind: 'error', text: message }, fieldErrors: { backupFile: reason } });
    });
  },

  async post(request, response, { firmware, page }) {
    const session = response.locals.session as Session;
    const file = request.file;
    if (!file) {
      response.status(400).render('configBackup', { title: page.title, page, flash: { kind: 'error', text: 'backupFile is missing: choose a backup file to restore.' }, fieldErrors: { backupFile: 'No file was chosen. Choose a backup file to restore.' } });
      return;
    }
    try {
      await firmware.restoreBackup(file.buffer.toString('utf8'), `${session.user} (web UI from ${session.sourceAddress})`);
    } catch (error) {
      if (!(error instanceof FirmwareError)) throw error;
      // The reason also appears beside the file field, which it is about.
      response.status(400).render('configBackup', { title: page.title, page, flash: { kind: 'error', text: `Restore failed, nothing was changed. ${error.message}` }, fieldErrors: { backupFile: error.message } });
      return;
    }
    // The restore rebooted the router, which ended this session.
    response.render('restarting', { title: 'Restarting', message: 'The configuration was restored and the router is restarting. Log in again in a few seconds.' });
  },

  extra: {
    download(_request, response, { firmware }) {
      const backup = firmware.exportBackup();
      const date = backup.createdAt.slice(0, 10).replace(/-/g, '');
      firmware.syslog.info('Config', 'Configuration backup downloaded');
      response.attachment(`${backup.model}_${backup.serialNumber}_${date}.cfg`).type('application/json').send(`${JSON.stringify(backup, null, 2)}\n`);
    },
  },
};
