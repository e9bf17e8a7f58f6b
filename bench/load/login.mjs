// Logs in through the real forms (password, then TOTP when asked) and prints
// the Cookie header value, for wrk runs against logged-in pages.
//   node bench/load/login.mjs URL LOGIN
import { totp } from '../../tests/e2e/totp.mjs';

const [url, login] = process.argv.slice(2);
const password = process.env.STAGEPUNT_DEMO_PASSWORD || 'stagepunt-demo-wachtwoord';
const secret = process.env.STAGEPUNT_DEMO_TOTP_SECRET || 'KRSXG5CTORQWOZLQOVXHIRDFNVXVIMBR';
const jar = new Map();
async function request(path, fields) {
  const res = await fetch(url + path, {
    method: fields ? 'POST' : 'GET',
    redirect: 'manual',
    headers: {
      Cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      ...(fields ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: fields ? new URLSearchParams(fields).toString() : undefined,
  });
  for (const c of res.headers.getSetCookie()) {
    const [pair] = c.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
  }
  return { location: res.headers.get('location'), body: await res.text() };
}
const csrf = (html) => (html.match(/name="csrf" value="([^"]+)"/) || [])[1];
const form = await request('/login');
let res = await request('/login', { csrf: csrf(form.body), login, password });
if (res.location === '/login/totp') {
  const page = await request('/login/totp');
  res = await request('/login/totp', { csrf: csrf(page.body), code: totp(secret) });
}
if (!String(res.location).startsWith('/dashboard')) {
  console.error(`login as ${login} ended at ${res.location}`);
  process.exit(1);
}
console.log([...jar].map(([k, v]) => `${k}=${v}`).join('; '));
