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
import { startServer as start, login, openReceipt } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    build: { type: 'string', default: 'build' },
    db: { type: 'string' },
    'data-dir': { type: 'string' },
    brin: { type: 'string', default: '99DM' },
  },
});
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

async function startServer(name) {
  const server = await start({ build: args.build, db: args.db, dataDir: args['data-dir'] });
  children.push(server.child);
  server.name = name;  // the same object: its log keeps growing
  return server;
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

async function psql(sql) {
  const { stdout } = await run('psql', ['-tA', '-d', new URL(args.db).pathname.slice(1), '-c', sql]);
  return stdout.trim();
}

const a = await startServer('A');
const b = await startServer('B');
const lb = await startNginx(a, b);

// 1. A session made on A works on B, with its key session.
const cookie = await login(a.url, `meldpunt@${args.brin.toLowerCase()}.demo`);
const onB = async (path) => {
  const res = await fetch(`${b.url}${path}`, { redirect: 'manual', headers: { Cookie: cookie } });
  return { status: res.status, body: await res.text() };
};
const inbox = await onB('/meldpunt');
if (inbox.status !== 200) fail(`the session from A gave ${inbox.status} on B's inbox`);
const caseIds = [...new Set([...inbox.body.matchAll(/\/meldpunt\/zaken\/([A-Za-z0-9_-]+)/g)].map((m) => m[1]))];
if (caseIds.length === 0) fail('the demo inbox on B lists no cases');
const opened = await onB(`/meldpunt/zaken/${caseIds[0]}`);
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
  const { narrative } = await openReceipt((i % 2 ? a : b).url, receipt);
  if (narrative === null) unreadable++;
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
