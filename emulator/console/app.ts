import express from 'express';
import type { Lab } from '../lab';

export function createConsoleApp(lab: Lab): express.Express {
  const app = express();
  app.get('/', (_req, res) => { res.type('text').send(`console of ${lab.routers.length} routers`); });
  return app;
}
