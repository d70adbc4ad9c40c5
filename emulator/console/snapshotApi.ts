/**
 * Lab snapshot routes: GET /api/lab/snapshot, POST /api/lab/restore and POST /api/lab/reset.
 * docs/lab-api.md describes the file format, the limits and the errors.
 */
import express, { type Request, type RequestHandler, type Router } from 'express';
import type { Lab } from '../lab';
import { GET_NEW_SNAPSHOT, MAX_SNAPSHOT_BYTES, resetLab, restoreSnapshot, SnapshotConflictError, snapshotDataDir, SnapshotError, takeSnapshot } from '../snapshot';
import { ApiError, invalidField, methodNotAllowed } from './errors';
import { bodyObject, parseJsonBody, rejectQueryParameters, requireJsonContentType } from './validate';

export const SNAPSHOT_API_ROUTES = ['GET /api/lab/snapshot', 'POST /api/lab/restore', 'POST /api/lab/reset'];

const RESET_EXAMPLE = '{"confirm": true}';

/** Parser of a snapshot body: up to MAX_SNAPSHOT_BYTES, gzip, deflate or br allowed as with every route. */
const snapshotParser = express.json({ limit: MAX_SNAPSHOT_BYTES, strict: false });

const parseSnapshotBody: RequestHandler = (req, res, next) => {
  snapshotParser(req, res, (error?: unknown) => {
    const type = (error as { type?: string } | undefined)?.type;
    if (type === 'entity.too.large') {
      next(new ApiError(413, 'PAYLOAD_TOO_LARGE', `The snapshot is larger than the ${MAX_SNAPSHOT_BYTES / (1024 * 1024)} MB that POST /api/lab/restore accepts.`, 'body'));
      return;
    }
    if (type === 'entity.parse.failed') {
      next(invalidField('body', `This file is not a vigor-sim snapshot: it is not valid JSON, so it is damaged or incomplete (a download that stopped early ends like this). ${GET_NEW_SNAPSHOT}`));
      return;
    }
    next(error);
  });
};

export function createSnapshotApi(lab: Lab): Router {
  const api = express.Router();

  api
    .route('/lab/snapshot')
    .get(rejectQueryParameters, async (_req, res) => {
      const snapshot = await run(() => takeSnapshot(lab));
      const stamp = snapshot.createdAt.replace(/[:.]/g, '-');
      res.attachment(`vigor-sim-snapshot-${stamp}.json`).type('json').send(JSON.stringify(snapshot));
    })
    .all(methodNotAllowed(['GET']));

  api
    .route('/lab/restore')
    .post(rejectQueryParameters, requireJsonContentType, requireDataDir(lab), parseSnapshotBody, async (req: Request, res) => {
      const result = await run(() => restoreSnapshot(lab, req.body));
      res.json({ restored: true, ...result, iso: new Date(result.labTime).toISOString() });
    })
    .all(methodNotAllowed(['POST']));

  api
    .route('/lab/reset')
    .post(rejectQueryParameters, requireJsonContentType, parseJsonBody, async (req, res) => {
      const body = bodyObject(req, ['confirm'], RESET_EXAMPLE);
      if (body.confirm !== true) {
        throw invalidField('confirm', `A reset deletes every router setting, mailbox, tenant and DDNS account of the lab; send ${RESET_EXAMPLE} to confirm it.`);
      }
      const result = await run(() => resetLab(lab));
      res.json({ reset: true, ...result });
    })
    .all(methodNotAllowed(['POST']));

  return api;
}

/** Rejects a restore on an ephemeral lab before its body is read. */
function requireDataDir(lab: Lab): RequestHandler {
  return (_req, _res, next) => {
    try {
      snapshotDataDir(lab);
    } catch (error) {
      throw new ApiError(409, 'CONFLICT', (error as Error).message);
    }
    next();
  };
}

/** Runs a snapshot operation and turns its errors into API errors. */
async function run<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof SnapshotError) throw invalidField(error.field, error.message);
    if (error instanceof SnapshotConflictError) throw new ApiError(409, 'CONFLICT', error.message);
    throw error;
  }
}
