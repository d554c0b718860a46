// A real OpenID provider (panva's oidc-provider) on loopback, for Gateway.Tests/Auth/SingleSignOnTests.cs.
//   node provider.mjs --port 41234 --redirect-uri http://127.0.0.1:41235/signin-oidc --client-id gateway --client-secret s3cret
// Prints "ready <issuer>" once it listens. The login page is a one-field form (the account's id, no password): the
// test picks who signs in; consent is given with the login, as a provider configured for a first-party app does.
import http from 'node:http';
import { parseArgs } from 'node:util';
import Provider from 'oidc-provider';

const { values: args } = parseArgs({
  options: {
    port: { type: 'string' },
    'redirect-uri': { type: 'string' },
    'client-id': { type: 'string' },
    'client-secret': { type: 'string' },
  },
});
const issuer = `http://127.0.0.1:${args.port}`;

// The people the provider knows. groups is the claim the gateway maps to roles (Gateway:Oidc:RoleClaim).
const accounts = {
  alice: { preferred_username: 'alice', name: 'Alice Example', groups: ['crisis-comms'] },
  bob: { preferred_username: 'bob', name: 'Bob Example', groups: ['crisis-comms'] },
  carol: { preferred_username: 'carol', name: 'Carol Example', groups: ['marketing'] },
  dave: { preferred_username: 'dave', name: 'Dave Example', groups: ['crisis-comms'] },
  erin: { preferred_username: 'Erin@Example.org', name: 'Erin Example', groups: ['crisis-comms', 'crisis-admins'] },
  // Two people the provider gave the same user name, one after the other (a leaver's name reused).
  frank: { preferred_username: 'frank', name: 'Frank Example', groups: ['crisis-admins'] },
  'frank-2': { preferred_username: 'frank', name: 'Frank Newcomer', groups: ['crisis-comms'] },
};

const provider = new Provider(issuer, {
  clients: [{
    client_id: args['client-id'],
    client_secret: args['client-secret'],
    redirect_uris: [args['redirect-uri']],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_post',
  }],
  scopes: ['openid', 'profile', 'groups'],
  claims: { openid: ['sub'], profile: ['name', 'preferred_username'], groups: ['groups'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ['loopback-test-provider-only'] },
  async findAccount(ctx, id) {
    const account = accounts[id];
    return account && { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
});

const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) {
    res.writeHead(400).end('interaction mismatch');
    return;
  }
  if (action !== 'login') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!DOCTYPE html><title>Sign in</title><form method="post" action="/interaction/${escape(uid)}/login">`
      + '<label>Account <input name="login"></label><button>Sign in</button></form>');
    return;
  }
  const login = (await readForm(req)).get('login');
  if (!accounts[login]) {
    res.writeHead(400, { 'content-type': 'text/plain' }).end(`unknown account ${login}`);
    return;
  }
  const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  const match = /^\/interaction\/([^/?]+)(?:\/(login))?/.exec(req.url);
  if (!match) {
    callback(req, res);
    return;
  }
  interaction(req, res, match[1], req.method === 'POST' ? match[2] : undefined).catch((error) => {
    console.error(error);
    res.writeHead(500).end(String(error.message));
  });
});
server.listen(Number(args.port), '127.0.0.1', () => console.log(`ready ${issuer}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
