// A real OpenID provider for Stagepunt's SSO tests (oidc-provider), on a free
// loopback port. Prints its issuer URL as the first line of stdout.
//
//   node tests/oidc/provider.mjs CLIENT_ID CLIENT_SECRET REDIRECT_URI [POST_LOGOUT_URI] [EMAIL_DOMAIN]
//
// Accounts (no passwords: tests name the account on the login form):
//   s<NUMBER>        a student: schac_personal_unique_code with that student
//                    number, e-mail s<NUMBER>@EMAIL_DOMAIN (default 99dm.demo)
//   s<NUMBER>+mfa    the same, with amr ["pwd", "mfa"]
//   staff:<E-MAIL>   staff: eduperson_affiliation employee, that e-mail
//   staff:<E-MAIL>+mfa  the same, with amr ["pwd", "mfa"]
//
// Test control: POST /__test/next-token?defect=D makes the NEXT token
// response carry a defective ID token, re-signed with the provider's own key
// (this script makes the JWKS it hands the provider): wrong_audience,
// wrong_nonce, expired, unknown_kid (signed with a key not in the JWKS),
// tampered_signature (payload changed after signing).
import http from 'node:http';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const [clientId, clientSecret, redirectUri, postLogoutUri, emailDomain = '99dm.demo'] =
  process.argv.slice(2);
if (!clientId || !clientSecret || !redirectUri) {
  console.error('usage: provider.mjs CLIENT_ID CLIENT_SECRET REDIRECT_URI [POST_LOGOUT_URI] [EMAIL_DOMAIN]');
  process.exit(2);
}

const signing = await jose.generateKeyPair('RS256', { extractable: true });
const stranger = await jose.generateKeyPair('RS256', { extractable: true });
const privateJwk = { ...(await jose.exportJWK(signing.privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' };

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

function claimsOf(id) {
  const staff = /^staff:(.+)$/.exec(id);
  if (staff) {
    return { sub: id, email: staff[1], email_verified: true, name: 'Medewerker (test)',
             eduperson_affiliation: ['employee', 'member'] };
  }
  const student = /^s(\d+)(\+mfa)?$/.exec(id);
  if (!student) return null;
  return {
    sub: id, email: `s${student[1]}@${emailDomain}`, email_verified: true,
    name: `Student ${student[1]} (test)`, eduperson_affiliation: ['student', 'member'],
    schac_personal_unique_code: [`urn:schac:personalUniqueCode:nl:local:${emailDomain}:studentid:${student[1]}`],
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri],
    post_logout_redirect_uris: postLogoutUri ? [postLogoutUri] : [],
    response_types: ['code'], grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  jwks: { keys: [privateJwk] },
  cookies: { keys: ['test-only-cookie-key'] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,  // the claims go into the ID token, as SURFconext does
  claims: {
    openid: ['sub', 'acr', 'amr', 'schac_personal_unique_code', 'eduperson_affiliation'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, id) {
    const claims = claimsOf(id.replace(/\+mfa$/, ''));
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { ...claims, sub: id }; } };
  },
  // First-party test client: no consent screen.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId ||
      ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
});

let nextDefect = null;

async function defective(idToken, defect) {
  const payload = jose.decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  const sign = (p, key = signing.privateKey, kid = 'k1') =>
    new jose.SignJWT(p).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key);
  switch (defect) {
    case 'wrong_audience': return sign({ ...payload, aud: 'someone-else' });
    case 'wrong_nonce': return sign({ ...payload, nonce: 'not-the-nonce' });
    case 'expired': return sign({ ...payload, iat: now - 7200, exp: now - 3600 });
    case 'unknown_kid': return sign(payload, stranger.privateKey, 'unknown-kid');
    case 'tampered_signature': {
      const [h, , s] = idToken.split('.');
      const changed = Buffer.from(JSON.stringify({ ...payload, sub: 'someone-else' })).toString('base64url');
      return `${h}.${changed}.${s}`;
    }
    default: return idToken;
  }
}

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/__test/next-token') {
    nextDefect = ctx.query.defect || null;
    ctx.body = { next: nextDefect };
    return;
  }
  const interaction = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
  if (interaction) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (ctx.method === 'POST' && interaction[2]) {
      const form = await readForm(ctx.req);
      const account = (form.get('account') || '').trim();
      if (!claimsOf(account.replace(/\+mfa$/, ''))) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = '<!doctype html><html lang="nl"><title>Onbekend</title><p>Onbekend account</p></html>';
        return;
      }
      const amr = account.endsWith('+mfa') ? ['pwd', 'mfa'] : ['pwd'];
      const result = { login: { accountId: account, amr } };
      const to = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
      ctx.redirect(to);
      ctx.status = 303;
      return;
    }
    ctx.type = 'html';
    ctx.body = `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Test-IdP: inloggen</title></head>
<body><main><h1>Test-IdP</h1><p>Prompt: ${escapeHtml(details.prompt.name)}</p>
<form method="post" action="/interaction/${escapeHtml(details.uid)}/login">
<label for="account">Account</label> <input id="account" name="account" autocomplete="off">
<button type="submit">Inloggen</button></form></main></body></html>`;
    return;
  }
  await next();
  if (ctx.path === '/token' && nextDefect && ctx.status === 200 && ctx.body?.id_token) {
    const defect = nextDefect;
    nextDefect = null;
    ctx.body = { ...ctx.body, id_token: await defective(ctx.body.id_token, defect) };
  }
});

server.on('request', provider.callback());
console.log(issuer);
// Only the first line is for the caller, who may stop reading: the rest of
// what the provider says goes to stderr, and a closed stdout is no error.
process.stdout.on('error', () => {});
console.log = console.info = console.warn = (...args) => console.error(...args);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
