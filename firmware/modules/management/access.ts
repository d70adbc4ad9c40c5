/**
 * Management access control: which inbound connections reach a management service. A pure
 * function of the settings, so the rules can be checked against a model with generated inputs.
 *
 * - LAN: LAN1 is always allowed (a Vigor never locks its LAN1 administrator out).
 * - WAN: only with "Allow management from the Internet" and the service's switch on (HTTP also
 *   while "Enforce HTTPS Access" redirects it); when any access list entry is set, only sources
 *   inside one of those IP objects; never a source that brute force protection has blocked.
 *   Anything else on the WAN is dropped silently, as a firewall does.
 */
import type { FilterVerdict } from '../../../hal';
import { ipObjectMatches, type IpObject } from '../objects';
import type { ManagementConfig, ManagementService } from './schema';

export interface AccessRequest {
  side: 'lan' | 'wan';
  sourceAddress: string;
  /** The management service registered on the destination port, if any. */
  service: ManagementService | undefined;
}

export function decideAccess(
  config: ManagementConfig,
  ipObjects: IpObject[],
  isBlocked: (sourceAddress: string, service: ManagementService) => boolean,
  request: AccessRequest,
): FilterVerdict {
  if (request.side === 'lan') return request.service ? 'accept' : 'reject';
  if (!request.service) return 'drop';
  if (isBlocked(request.sourceAddress, request.service)) return 'drop';
  if (!config.internet.allow) return 'drop';
  if (!serviceAllowedFromInternet(config, request.service)) return 'drop';

  const entries = config.internet.accessList.filter((index) => index > 0);
  if (entries.length > 0 && !entries.some((index) => ipObjectMatches(ipObjects[index - 1], request.sourceAddress, 'wan'))) return 'drop';
  return 'accept';
}

export function serviceAllowedFromInternet(config: ManagementConfig, service: ManagementService): boolean {
  const switches = config.internet.services;
  if (service === 'http') return switches.http || switches.enforceHttps;
  return switches[service];
}
