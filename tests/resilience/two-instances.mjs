// Two instances (issue 7 §5): two `stagepunt serve` processes on one
// PostgreSQL database behind nginx (round robin), as a school would run them
// for availability. Checks:
//   1. A meldpunt handler's session made on instance A works on instance B,
//      including the unlocked key session: B decrypts a case A never opened.
//   2. 400 concurrent report submissions through nginx: every 201 is exactly
//      one new case (nothing lost, nothing duplicated), and each receipt opens
//      on either instance.
//   3. Scheduled jobs (deadline alerts, retention, training reminders) ran
//      exactly once between the two instances.
//
// Run under scripts/pg-test-cluster after seeding the demo data:
//   node tests/resilience/two-instances.mjs --build build --db URL --data-dir DIR
import { spawn, execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseArgs, promisify } from 'node:util';
import { totp } from '../e2e/totp.mjs';

const { values: args } = parseArgs({
  options: {
    build: { type: 'string', default: 'build' },
    db: { type: 'string' },
    'data-dir': { type: 'string' },
    brin: { type: 'string', default: '99DM' },
  },
});
const PASSWORD = process.env.STAGEPUNT_DEMO_PASSWORD || 'stagepunt-demo-wachtwoord';
const TOTP_SECRET = process.env.STAGEPUNT_DEMO_TOTP_SECRET || 'KRSXG5CTORQWOZLQOVXHIRDFNVXVIMBR';
const run = promisify(execFile);
const children = [];
const scratch = mkdtempSync(join(tmpdir(), 'stagepunt-two-'));

function fail(message) {
  console.error(`two-instances.mjs: FAILED: ${message}`);
  cleanup();
  process.exit(1);
}
function cleanup() {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(scratch, { recursive: true, force: true });
}

function startServer(name) {
  const child = spawn(`${args.build}/stagepunt`, ['serve', '--db', args.db, '--data-dir', args['data-dir'],
    '--listen', '127.0.0.1:0', '--report-rate-limit', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const server = { name, child, log: '' };
  child.stderr.on('data', (d) => { server.log += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${server.log}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      server.log += d;  // spdlog writes to stdout
      const m = out.match(/http:\/\/127\.0\.0\.1:(\d+)/);
      if (m && !server.url) {
        clearTimeout(timer);
        server.url = m[0];
        server.port = Number(m[1]);
        resolve(server);
      }
    });
  });
}

function freePort() {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startNginx(a, b) {
  const port = await freePort();
  const conf = join(scratch, 'nginx.conf');
  writeFileSync(conf, `
worker_processes 1;
error_log ${scratch}/error.log;
pid ${scratch}/nginx.pid;
events { worker_connections 512; }
http {
  access_log off;
  client_body_temp_path ${scratch}/body;
  proxy_temp_path ${scratch}/proxy;
  fastcgi_temp_path ${scratch}/fastcgi;
  uwsgi_temp_path ${scratch}/uwsgi;
  scgi_temp_path ${scratch}/scgi;
  upstream stagepunt { server 127.0.0.1:${a.port}; server 127.0.0.1:${b.port}; keepalive 16; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://stagepunt;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }
  }
}
`);
  const child = spawn('nginx', ['-c', conf, '-p', scratch, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/healthz`)).status > 0) return url;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  fail('nginx did not start');
}

// A minimal cookie jar over fetch, for the login forms.
class Browser {
  constructor() { this.cookies = new Map(); }
  header() { return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '); }
  async request(url, options = {}) {
    const res = await fetch(url, { ...options, redirect: 'manual', headers: { ...(options.headers || {}), Cookie: this.header() } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return { status: res.status, location: res.headers.get('location'), body: await res.text() };
  }
  async post(url, fields) {
    return this.request(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }
}
const csrfOf = (html) => (html.match(/name="csrf" value="([^"]+)"/) || [])[1];

async function loginHandler(server) {
  const b = new Browser();
  const form = await b.request(`${server.url}/login`);
  const login = await b.post(`${server.url}/login`, { csrf: csrfOf(form.body), login: `meldpunt@${args.brin.toLowerCase()}.demo`, password: PASSWORD });
  if (![302, 303].includes(login.status) || login.location !== '/login/totp') fail(`login on ${server.name}: ${login.status} ${login.location}`);
  const page = await b.request(`${server.url}/login/totp`);
  const done = await b.post(`${server.url}/login/totp`, { csrf: csrfOf(page.body), code: totp(TOTP_SECRET) });
  if (![302, 303].includes(done.status) || !String(done.location).startsWith('/dashboard')) fail(`TOTP on ${server.name}: ${done.status} ${done.location}`);
  return b;
}

async function psql(sql) {
  const { stdout } = await run('psql', ['-tA', '-d', new URL(args.db).pathname.slice(1), '-c', sql]);
  return stdout.trim();
}

const a = await startServer('A');
const b = await startServer('B');
const lb = await startNginx(a, b);

// 1. A session made on A works on B, with its key session.
const browser = await loginHandler(a);
const inbox = await browser.request(`${b.url}/meldpunt`);
if (inbox.status !== 200) fail(`the session from A gave ${inbox.status} on B's inbox`);
const caseIds = [...new Set([...inbox.body.matchAll(/\/meldpunt\/zaken\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]))];
if (caseIds.length === 0) fail('the demo inbox on B lists no cases');
const opened = await browser.request(`${b.url}/meldpunt/zaken/${caseIds[0]}`);
if (opened.status !== 200) fail(`B could not open a case with the session from A: ${opened.status}`);
console.log(`two-instances.mjs: a handler logged in on A opened a case on B (${caseIds.length} cases listed)`);

// 2. Concurrent writes through both instances.
const schoolCases = `SELECT COUNT(*) FROM cases c JOIN schools s ON s.id = c.school_id WHERE s.brin = '${args.brin}'`;
const before = Number(await psql(schoolCases));
const receipts = [];
const statuses = {};
let next = 0;
await Promise.all(Array.from({ length: 32 }, async () => {
  while (next < 400) {
    const i = next++;
    const res = await fetch(`${lb}/api/v1/schools/${args.brin}/reports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ mode: 'anonymous', phase: 'search', grounds: ['religion'], narrative: `two-instances ${i} ${randomBytes(6).toString('hex')}` }),
    });
    statuses[res.status] = (statuses[res.status] || 0) + 1;
    if (res.status === 201) receipts.push((await res.json()).receipt);
    else await res.text();
  }
}));
const after = Number(await psql(schoolCases));
const duplicates = Number(await psql('SELECT COUNT(*) FROM (SELECT school_id, case_number FROM cases GROUP BY 1, 2 HAVING COUNT(*) > 1) d'));
console.log(`two-instances.mjs: 400 submissions through nginx: ${JSON.stringify(statuses)}; cases ${before} -> ${after}`);
if (statuses[201] !== 400) fail('not every submission was accepted');
if (after - before !== 400) fail(`${after - before} new cases for 400 acknowledgements`);
if (duplicates !== 0) fail(`${duplicates} duplicate case numbers`);
let unreadable = 0;
for (const [i, receipt] of receipts.entries()) {
  const server = i % 2 ? a : b;
  const s = await fetch(`${server.url}/api/v1/reporter/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ receipt }) });
  if (s.status !== 200) { unreadable++; continue; }
  const { token } = await s.json();
  const c = await fetch(`${server.url}/api/v1/reporter/case`, { headers: { Authorization: `Bearer ${token}` } });
  if (c.status !== 200) unreadable++;
  await c.text();
}
if (unreadable) fail(`${unreadable} receipts did not open`);
console.log('two-instances.mjs: every receipt opened, alternating between A and B');

// 3. Each scheduled job ran once between the two instances.
// Both instances run their jobs right at start-up, within a second of each
// other, so this is the race the lease (App::ClaimJob) has to win.
await new Promise((r) => setTimeout(r, 500));
const logs = a.log + b.log;
for (const job of ['deadline alerts:', 'retention:', 'training reminders:']) {
  const n = logs.split(job).length - 1;
  if (n !== 1) fail(`"${job}" ran ${n} times between the two instances`);
}
console.log('two-instances.mjs: deadline alerts, retention and training reminders each ran once');
cleanup();
