// Endpoints the official CLI reads besides the action's own (heroku/cli 11: `apps:info` reads
// /apps/{app}/addons, `ps` reads /account, `releases:info` the release's config vars,
// `features` the feature list, `ps:scale` the formation), answered from the simulator's state.
import { prebootFeatureObject } from './objects.js';
import { HerokuApiError } from './http-io.js';
import { SIM_USER } from './model.js';
import type { AppRecord } from './model.js';
import { appOf, releaseOf, route } from './route-kit.js';
import type { Route } from './route-kit.js';

const ACCOUNT_CREATED_AT = '2024-01-02T03:04:05Z';

function formationObject(app: AppRecord): Record<string, unknown> {
  const size = app.router.preboot ? 'Standard-1X' : 'Basic';
  return {
    app: { id: app.id, name: app.name },
    command: app.currentRelease?.slug?.processTypes.web ?? '',
    created_at: app.createdAt,
    dyno_size: { id: '5ce6e0a2-2e6d-4d3b-9d31-0c4d6e2f1a11', name: size },
    id: '8f6b2f0e-6c0a-4c52-9a57-2f7d1e4b3c21',
    quantity: app.currentRelease?.slug?.processTypes.web === undefined ? 0 : 1,
    size,
    type: 'web',
    updated_at: app.updatedAt,
  };
}

export const CLI_ROUTES: readonly Route[] = [
  route('GET', '/account', { resource: 'account', title: 'Info' }, () => ({
    status: 200,
    body: {
      allow_tracking: false,
      beta: false,
      created_at: ACCOUNT_CREATED_AT,
      email: SIM_USER.email,
      federated: false,
      id: SIM_USER.id,
      identity_provider: null,
      last_login: ACCOUNT_CREATED_AT,
      name: 'Simulated Deployer',
      sms_number: null,
      suspended_at: null,
      delinquent_at: null,
      two_factor_authentication: true,
      updated_at: ACCOUNT_CREATED_AT,
      verified: true,
      country_of_residence: null,
      default_organization: null,
      default_team: null,
    },
  })),

  // The simulator provisions no add-ons and sets no config vars.
  route('GET', '/apps/{app}/addons', { resource: 'add-on', title: 'List By App' }, (ctx, call) => {
    appOf(ctx, call);
    return { status: 200, body: [] };
  }),

  route(
    'GET',
    '/apps/{app}/config-vars',
    { resource: 'config-var', title: 'Info for App' },
    (ctx, call) => {
      appOf(ctx, call);
      return { status: 200, body: {} };
    },
  ),

  route(
    'GET',
    '/apps/{app}/releases/{release}/config-vars',
    { resource: 'config-var', title: 'Info for App Release' },
    (ctx, call) => {
      releaseOf(appOf(ctx, call), call.params[1] ?? '');
      return { status: 200, body: {} };
    },
  ),

  route('GET', '/apps/{app}/formation', { resource: 'formation', title: 'List' }, (ctx, call) => {
    const app = appOf(ctx, call);
    return { status: 200, body: [formationObject(app)] };
  }),

  route(
    'GET',
    '/apps/{app}/formation/{type}',
    { resource: 'formation', title: 'Info' },
    (ctx, call) => {
      const app = appOf(ctx, call);
      if (call.params[1] !== 'web') {
        throw new HerokuApiError(404, 'not_found', "Couldn't find that formation.");
      }
      return { status: 200, body: formationObject(app) };
    },
  ),

  route('GET', '/apps/{app}/features', { resource: 'app-feature', title: 'List' }, (ctx, call) => ({
    status: 200,
    body: [prebootFeatureObject(appOf(ctx, call))],
  })),
];
