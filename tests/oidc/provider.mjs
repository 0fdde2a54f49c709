// A real OpenID Connect provider for PassInnov's tests, configured like ProConnect.
//
// - oidc-provider (authorization code flow, PKCE required, nonce, RP-initiated logout, dynamic client
//   registration so each test server registers its own redirect URIs);
// - ProConnect's scopes and claims (given_name, usual_name, email, uid, siret, organizational_unit,
//   belonging_population, idp_id…), acr "eidas1", claims only in the userinfo response, which is a
//   signed JWT (application/jwt) as ProConnect sends it;
// - its own French login page (no request to another host), a "Refuser" button that answers
//   error=access_denied;
// - test-only routes under /test/ to make the next token or userinfo response faulty (wrong nonce, aud,
//   signature, expiry…), so the relying party's refusals are tested against real HTTP exchanges.
//
// It listens on 127.0.0.1 on a free port and prints one JSON line {"issuer": …} once ready.
// Usage: node provider.mjs [accounts.json]

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const here = dirname(fileURLToPath(import.meta.url));
const accountsFile = process.argv[2] || join(here, 'accounts.json');
const { password: PASSWORD, accounts: ACCOUNTS } = JSON.parse(readFileSync(accountsFile, 'utf8'));
const byEmail = new Map(ACCOUNTS.map((account) => [account.claims.email.toLowerCase(), account]));
const bySub = new Map(ACCOUNTS.map((account) => [account.sub, account]));

// ProConnect's scopes: each one gives the claim of the same name (openid gives sub).
const CLAIMS = {
  openid: ['sub'],
  email: ['email'],
  given_name: ['given_name'],
  usual_name: ['usual_name'],
  uid: ['uid'],
  siret: ['siret'],
  siren: ['siren'],
  organizational_unit: ['organizational_unit'],
  belonging_population: ['belonging_population'],
  phone: ['phone'],
  idp_id: ['idp_id'],
};

const KID = 'passinnov-test-key';

async function signingKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  const jwk = await jose.exportJWK(privateKey);
  return { ...jwk, kid, alg: 'RS256', use: 'sig' };
}

const realKey = await signingKey(KID);
// Same kid, another key: a token signed with it has a signature that the published key does not verify.
const impostorKey = await signingKey(KID);

const counts = {}; // requests per path, so tests can check what the relying party caches
let faults = {}; // {id_token: {...}, userinfo: {...}}: applied once to the next response of that kind

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

function page(title, body) {
  return `<!DOCTYPE html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} – fournisseur d'identité de test</title>
  <style>
    body { font-family: sans-serif; max-width: 32rem; margin: 2rem auto; padding: 0 1rem; color: #161616; }
    label { display: block; margin-top: 1rem; }
    input { display: block; width: 100%; padding: .5rem; margin-top: .25rem; }
    button { margin-top: 1.5rem; margin-right: 1rem; padding: .5rem 1rem; }
    .error { color: #ce0500; }
  </style>
</head>
<body>
  <main>
    <h1>${escapeHtml(title)}</h1>
    ${body}
  </main>
</body>
</html>`;
}

function loginForm(uid, { email = '', error = '' } = {}) {
  return page('Connexion à votre fournisseur d’identité', `
    <p>Fournisseur d'identité de test de PassInnov (configuré comme ProConnect).</p>
    ${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
    <form method="post" action="/interaction/${uid}/login" autocomplete="off">
      <label for="email">Adresse électronique professionnelle
        <input id="email" name="email" type="email" value="${escapeHtml(email)}" required>
      </label>
      <label for="password">Mot de passe
        <input id="password" name="password" type="password" required>
      </label>
      <button type="submit">Se connecter</button>
    </form>
    <form method="post" action="/interaction/${uid}/abort">
      <button type="submit">Refuser</button>
    </form>`);
}

const configuration = {
  clients: [],
  claims: CLAIMS,
  scopes: Object.keys(CLAIMS),
  acrValues: ['eidas1'],
  responseTypes: ['code'],
  pkce: { required: () => true },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  jwks: { keys: [realKey] },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    claimsParameter: { enabled: true },
    userinfo: { enabled: true },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: {
      enabled: true,
      // ProConnect signs the agent out without asking when id_token_hint is valid: the form submits itself.
      logoutSource: async (ctx, form) => {
        ctx.body = page('Déconnexion', `
          <p>Déconnexion du fournisseur d'identité en cours…</p>
          ${form}
          <button type="submit" form="op.logoutForm" name="logout" value="yes">Se déconnecter</button>
          <script>document.getElementById('op.logoutForm').requestSubmit(document.querySelector('button[name=logout]'));</script>`);
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = page('Vous êtes déconnecté', '<p>Vous êtes déconnecté du fournisseur d’identité.</p>');
      },
    },
  },
  ttl: {
    AccessToken: 60,
    AuthorizationCode: 30,
    IdToken: 60,
    Interaction: 600,
    Session: 12 * 3600,
    Grant: 12 * 3600,
  },
  async findAccount(ctx, sub) {
    const account = bySub.get(sub);
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account.claims }) };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  // A first-party client: no consent screen, the requested scopes are granted after the login.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      const grant = await ctx.oidc.provider.Grant.find(grantId);
      if (grant) return grant;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    grant.addOIDCClaims(['acr', 'amr']);
    await grant.save();
    return grant;
  },
  async renderError(ctx, out) {
    ctx.type = 'html';
    ctx.body = page('Erreur', `<p>${escapeHtml(out.error)} : ${escapeHtml(out.error_description || '')}</p>`);
  },
};

async function tamper(token, fault) {
  const header = jose.decodeProtectedHeader(token);
  const claims = { ...jose.decodeJwt(token), ...(fault.claims || {}) };
  for (const name of fault.remove || []) delete claims[name];
  const key = await jose.importJWK(fault.signature === 'impostor' ? impostorKey : realKey, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader(header).sign(key);
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    let data = '';
    req.on('data', (chunk) => {
      data += chunk;
      if (data.length > 100_000) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const server = http.createServer();
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, configuration);

  provider.use(async (ctx, next) => {
    counts[ctx.path] = (counts[ctx.path] || 0) + 1;
    await next();
    if (ctx.path === '/token' && ctx.status === 200 && ctx.body?.id_token && faults.id_token) {
      const fault = faults.id_token;
      delete faults.id_token;
      ctx.body = { ...ctx.body, id_token: await tamper(ctx.body.id_token, fault) };
    }
    if (ctx.path === '/me' && ctx.status === 200 && String(ctx.type).startsWith('application/jwt') && faults.userinfo) {
      const fault = faults.userinfo;
      delete faults.userinfo;
      ctx.body = await tamper(ctx.body, fault);
    }
  });

  const callback = provider.callback();

  async function interaction(req, res, url) {
    const [, , uid, action] = url.pathname.split('/');
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return send(res, 400, 'text/plain; charset=utf-8', 'interaction inconnue');
    if (req.method === 'GET') return send(res, 200, 'text/html; charset=utf-8', loginForm(uid));
    if (req.method !== 'POST') return send(res, 405, 'text/plain; charset=utf-8', 'méthode non permise');
    if (action === 'abort') {
      const result = { error: 'access_denied', error_description: "L'agent a refusé la connexion." };
      return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    }
    const form = new URLSearchParams(await readBody(req));
    const email = (form.get('email') || '').trim();
    const account = byEmail.get(email.toLowerCase());
    if (!account || form.get('password') !== PASSWORD) {
      return send(res, 200, 'text/html; charset=utf-8', loginForm(uid, { email, error: 'Adresse ou mot de passe incorrect.' }));
    }
    const result = { login: { accountId: account.sub, acr: 'eidas1', amr: ['pwd'] } };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }

  async function testRoute(req, res, url) {
    if (url.pathname === '/test/faults' && req.method === 'POST') {
      faults = { ...faults, ...JSON.parse((await readBody(req)) || '{}') };
      return send(res, 200, 'application/json', JSON.stringify(faults));
    }
    if (url.pathname === '/test/faults' && req.method === 'DELETE') {
      faults = {};
      return send(res, 200, 'application/json', '{}');
    }
    if (url.pathname === '/test/counts' && req.method === 'GET') {
      return send(res, 200, 'application/json', JSON.stringify(counts));
    }
    return send(res, 404, 'application/json', '{"error": "not_found"}');
  }

  server.on('request', async (req, res) => {
    const url = new URL(req.url, issuer);
    try {
      if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
      if (url.pathname.startsWith('/test/')) return await testRoute(req, res, url);
      return callback(req, res);
    } catch (error) {
      return send(res, 500, 'text/plain; charset=utf-8', `erreur du fournisseur de test : ${error.message}`);
    }
  });

  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => process.exit(0));
}
