// The Mastodon API through masto.js (npm "masto"), as an app built on it calls it. See driver.mjs for the protocol.
import { createOAuthAPIClient, createRestAPIClient, MastoHttpError } from "masto";
import { file, pkce, run } from "./driver.mjs";

const rest = ({ url, token }) => createRestAPIClient({ url, accessToken: token, mediaTimeout: 30_000 });

const operations = {
  instance: async (r) => ({ v1: await rest(r).v1.instance.fetch(), v2: await rest(r).v2.instance.fetch() }),
  verify: (r) => rest(r).v1.accounts.verifyCredentials(),
  post: ({ args, ...r }) => {
    const { idempotencyKey, ...params } = args;
    return rest(r).v1.statuses.create(params, idempotencyKey ? { requestInit: { headers: { "Idempotency-Key": idempotencyKey } } } : undefined);
  },
  status: (r) => rest(r).v1.statuses.$select(r.args.id).fetch(),
  reblog: (r) => rest(r).v1.statuses.$select(r.args.id).reblog(),
  favourite: (r) => rest(r).v1.statuses.$select(r.args.id).favourite(),
  scheduled: (r) => rest(r).v1.scheduledStatuses.list(),
  reschedule: (r) => rest(r).v1.scheduledStatuses.$select(r.args.id).update({ scheduledAt: r.args.scheduledAt }),
  cancel: (r) => rest(r).v1.scheduledStatuses.$select(r.args.id).remove(),
  // Uploads and waits until processed (masto polls GET /api/v1/media/:id itself).
  upload: async (r) => rest(r).v2.media.create({ file: await file(r.args.path, r.args.type), description: r.args.description }),
  describe: (r) => rest(r).v1.media.$select(r.args.id).update({ description: r.args.description }),
  // masto registers the app; the authorize address is the app's to build (masto has none), with a PKCE challenge.
  register: async ({ url, args }) => {
    const app = await rest({ url }).v1.apps.create({ clientName: args.name, redirectUris: args.redirectUri, scopes: args.scopes });
    const { verifier, challenge } = pkce();
    const authorize = new URL("/oauth/authorize", url);
    for (const [k, v] of Object.entries({ response_type: "code", client_id: app.clientId, redirect_uri: args.redirectUri, scope: args.scopes, state: "masto-state", code_challenge: challenge, code_challenge_method: "S256" })) {
      authorize.searchParams.set(k, v);
    }
    return { clientId: app.clientId, clientSecret: app.clientSecret, authorizeUrl: authorize.href, verifier };
  },
  exchange: ({ url, args }) => createOAuthAPIClient({ url }).token.create({
    grantType: "authorization_code", clientId: args.clientId, clientSecret: args.clientSecret, redirectUri: args.redirectUri,
    code: args.code, scope: args.scopes, codeVerifier: args.verifier,
  }),
  revoke: ({ url, args }) => createOAuthAPIClient({ url }).revoke({ clientId: args.clientId, clientSecret: args.clientSecret, token: args.token }),
};

await run(operations, (error) => error instanceof MastoHttpError
  ? { class: error.constructor.name, status: error.statusCode, message: error.message, description: error.description ?? null, details: error.details ?? null, additional: error.additionalProperties ?? null }
  : { class: error?.constructor?.name ?? typeof error, status: null, message: String(error?.message ?? error) });
