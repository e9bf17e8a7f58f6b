// What the resilience tests and the load scripts share: starting a real
// server, logging in through the real forms, and opening a report with its
// receipt code through the reporter API.
import { spawn } from 'node:child_process';
import { totp } from '../e2e/totp.mjs';

// Starts `stagepunt serve` on a free loopback port with no per-minute report
// limit and no per-client connection limit (the tests and load scripts play
// many clients from one loopback address). Resolves to { child, url, port, log } once the server prints its URL;
// `log` collects stdout and stderr (spdlog writes to stdout).
export function startServer({ build, db, dataDir }) {
  const child = spawn(`${build}/stagepunt`, ['serve', '--db', db, '--data-dir', dataDir,
    '--listen', '127.0.0.1:0', '--report-rate-limit', '0', '--report-client-limit', '0', '--max-connections-per-client', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const server = { child, log: '' };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${server.log.slice(-4000)}`)), 20000);
    const collect = (d) => {
      server.log += d;
      const m = server.log.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m && !server.url) {
        clearTimeout(timer);
        server.url = m[0];
        server.port = Number(m[1]);
        resolve(server);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('exit', (code) => {
      if (!server.url) reject(new Error(`server exited (${code}): ${server.log.slice(-4000)}`));
    });
  });
}

// Logs in through /login (and /login/totp when asked) and returns the Cookie
// header value of the session. Throws when the login does not reach /dashboard.
export async function login(url, user, {
  password = process.env.STAGEPUNT_DEMO_PASSWORD || 'stagepunt-demo-wachtwoord',
  totpSecret = process.env.STAGEPUNT_DEMO_TOTP_SECRET || 'KRSXG5CTORQWOZLQOVXHIRDFNVXVIMBR',
} = {}) {
  const jar = new Map();
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const request = async (path, fields) => {
    const res = await fetch(url + path, {
      method: fields ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { Cookie: cookie(), ...(fields ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}) },
      body: fields ? new URLSearchParams(fields).toString() : undefined,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { location: res.headers.get('location'), body: await res.text() };
  };
  const csrf = (html) => (html.match(/name="csrf" value="([^"]+)"/) || [])[1];
  const form = await request('/login');
  let res = await request('/login', { csrf: csrf(form.body), login: user, password });
  if (res.location === '/login/totp') {
    const page = await request('/login/totp');
    res = await request('/login/totp', { csrf: csrf(page.body), code: totp(totpSecret) });
  }
  if (!String(res.location).startsWith('/dashboard')) {
    throw new Error(`login as ${user} ended at ${res.location}`);
  }
  return cookie();
}

// The narrative of the report behind `receipt`, or null when the code opens
// nothing (with the status that said so in `why`).
export async function openReceipt(url, receipt) {
  const s = await fetch(`${url}/api/v1/reporter/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ receipt }),
  });
  if (s.status !== 200) return { narrative: null, why: `session ${s.status}` };
  const { token } = await s.json();
  const c = await fetch(`${url}/api/v1/reporter/case`, { headers: { Authorization: `Bearer ${token}` } });
  if (c.status !== 200) return { narrative: null, why: `case ${c.status}` };
  return { narrative: (await c.json()).narrative, why: '' };
}
