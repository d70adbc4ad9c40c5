/** HTTP details shared by the provider's endpoints: the transport a request came over and the Basic challenge. */
import type { TLSSocket } from 'node:tls';
import type { Request, Response } from 'express';

export function viaOf(req: Request): 'http' | 'https' {
  return (req.socket as TLSSocket).encrypted ? 'https' : 'http';
}

/** Sets the Basic challenge (RFC 7617) that a 401 reply carries. */
export function setBasicChallenge(res: Response, realm: string): void {
  res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
}
