/**
 * The guided walkthrough: the OAuth mail flow as a checklist per router and provider, evaluated
 * from the lab's real state each time it is asked for. Nothing is stored, so a step ticks when the
 * trainee's action has its effect (a registered DDNS name, a token, a delivered mail) and unticks
 * when a fault undoes it.
 */
import type { Lab } from '../../lab';
import type { RouterDevice } from '../../router';
import { routerIdentity, routerIdentitySummary, type RouterIdentity, type RouterIdentitySummary } from '../../services/identity/classLab';
import { todo, type Check, type FlowContext } from './context';
import { googleChecks, microsoftChecks } from './providerChecks';
import { alertAfterCloseCheck, alertRuleCheck, authorizedCheck, ddnsCheck, testMailCheck, wanHttpsCheck, wanHttpsOffCheck } from './routerChecks';
import { STEP_IDS, stepTitle, type StepId, type StepResult, type WalkthroughProvider } from './steps';

export interface Walkthrough {
  router: string;
  provider: WalkthroughProvider;
  /** The router's class-lab tenant (Microsoft) or project (Google), without passwords. */
  identity: RouterIdentitySummary['microsoft'] | RouterIdentitySummary['google'];
  /** 1-based index of the mail profile the checks follow, or null before one is saved. */
  profile: number | null;
  /** Lab time of the evaluation. */
  time: number;
  /** Id of the first step that is not done, or null when every step is. */
  next: StepId | null;
  doneCount: number;
  steps: StepResult[];
}

export function evaluateWalkthrough(lab: Lab, router: RouterDevice, provider: WalkthroughProvider): Walkthrough {
  const identity = routerIdentity(router.id);
  const context = flowContext(lab, router, provider, identity);
  const checks = context ? runChecks(context) : notRunning(router);

  const steps = STEP_IDS.map((id) => ({ id, title: stepTitle(provider, id), ...checks[id] }));
  const next = steps.find((step) => step.status !== 'done')?.id ?? null;
  return {
    router: router.id,
    provider,
    identity: routerIdentitySummary(router.id)[provider],
    profile: context?.profileIndex === undefined ? null : context.profileIndex + 1,
    time: lab.clock.now(),
    next,
    doneCount: steps.filter((step) => step.status === 'done').length,
    steps,
  };
}

function flowContext(lab: Lab, router: RouterDevice, provider: WalkthroughProvider, identity: RouterIdentity): FlowContext | undefined {
  if (router.firmware.state !== 'running') return undefined;
  const profiles = router.firmware.mail.profiles();
  const index = profiles.findIndex((profile) => profile.name !== '' && profile.auth === 'oauth2' && profile.oauth.provider === provider);
  const profileIndex = index < 0 ? undefined : index;
  return {
    lab,
    router,
    provider,
    identity,
    now: lab.clock.now(),
    profileIndex,
    profile: profileIndex === undefined ? undefined : profiles[profileIndex],
    tokens: profileIndex === undefined ? undefined : router.firmware.mail.tokenStatus(profileIndex),
  };
}

function runChecks(context: FlowContext): Record<StepId, Check> {
  const app = context.provider === 'google' ? googleChecks(context) : microsoftChecks(context);
  const wanHttpsOff = wanHttpsOffCheck(context);
  return {
    ddns: ddnsCheck(context),
    wanHttps: wanHttpsCheck(context),
    ...app,
    authorized: authorizedCheck(context),
    testMail: testMailCheck(context),
    alertRule: alertRuleCheck(context),
    wanHttpsOff,
    alertAfterClose: alertAfterCloseCheck(context, wanHttpsOff),
  };
}

function notRunning(router: RouterDevice): Record<StepId, Check> {
  const waiting = todo(`The firmware of ${router.id} is ${router.firmware.state}; the checks resume once it runs.`);
  return Object.fromEntries(STEP_IDS.map((id) => [id, waiting])) as Record<StepId, Check>;
}
