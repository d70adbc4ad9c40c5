/**
 * The dyndns2 update of one provider: authenticate, apply the request rules, then the hostname
 * rules for each hostname, and write new addresses into the lab DNS at once.
 */
import type { DdnsProvider } from './provider';
import { RETURN_CODES, type ReturnCode } from './returnCodes';
import { decideHostname, decideRequest } from './rules';
import type { AccountRecord } from './store';
import type { UpdateRequest } from './updateRequest';

export interface UpdateOutcome {
  /** 401 when the request carried no credentials (so browsers and curl can respond to the challenge), else 200. */
  status: number;
  /** Reply lines joined with `\n`. */
  body: string;
  codes: ReturnCode[];
  /** One `code (reason)` per reply line. */
  reasons: string[];
  /** Seconds of lab time to wait before replying, from the provider's and the account's faults. */
  delaySeconds: number;
  /** The authenticated account, if any. */
  account: AccountRecord | undefined;
}

export async function runUpdate(provider: DdnsProvider, request: UpdateRequest, labDnsFailing: boolean): Promise<UpdateOutcome> {
  const { auth, account: named } = await provider.authenticate(request.authorization);
  const account = auth === 'ok' ? named : undefined;
  const providerFaults = provider.faults;
  const delaySeconds = Math.max(providerFaults.replyDelaySeconds, account?.faults.replyDelaySeconds ?? 0);

  const rejection = decideRequest({ request, auth, account, providerFaults, labDnsFailing });
  if (rejection) {
    return {
      status: rejection.code === 'badauth' && auth === 'missing' ? 401 : 200,
      body: rejection.code,
      codes: [rejection.code],
      reasons: [`${rejection.code} (${rejection.reason})`],
      delaySeconds,
      account,
    };
  }

  // The request rules passed, so the credentials matched an account.
  const username = account!.username;
  const lines: string[] = [];
  const codes: ReturnCode[] = [];
  const reasons: string[] = [];
  for (const hostname of request.hostnames) {
    const record = provider.findHostname(hostname);
    const owned = record?.account === username ? record : undefined;
    const decision = decideHostname({
      hostname,
      record,
      username,
      address: request.address,
      recentNochg: owned ? provider.recentNochg(owned) : 0,
      nochgLimit: provider.definition.abuse.nochgLimit,
    });
    const line = RETURN_CODES[decision.code].carriesAddress ? `${decision.code} ${request.address}` : decision.code;
    if (owned) provider.applyHostnameOutcome(owned, decision.effect, request.address, line);
    lines.push(line);
    codes.push(decision.code);
    reasons.push(`${decision.code} (${hostname}: ${decision.reason})`);
  }
  return { status: 200, body: lines.join('\n'), codes, reasons, delaySeconds, account };
}
