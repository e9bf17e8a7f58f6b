// Crash consistency (issue 7 §4, promise P6: a 201 means the report is on
// disk). Fires 1,000 concurrent report submissions at a real server and, part
// way through, either kills the server with SIGKILL or restarts the
// PostgreSQL server under it. Then every report acknowledged with 201 must
// open with its receipt and show exactly the narrative that was sent.
//
//   node tests/resilience/crash.mjs --build build --db sqlite:/tmp/x/r.db --data-dir /tmp/x --fault kill
//   node tests/resilience/crash.mjs ... --db postgresql:///crash?host=... --fault pg-restart
//
// --fault kill        SIGKILL the server after 300 acknowledgements, restart it.
// --fault pg-restart  `pg_ctl restart` after 300 acknowledgements (needs
//                     STAGEPUNT_TEST_PG_CTL, set by scripts/pg-test-cluster).
//                     While PostgreSQL is down the server must answer 503,
//                     never anything else, and afterwards accept reports again
//                     without being restarted.
// Exit status 0 when every check holds; the last lines say what was counted.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { startServer as start, openReceipt } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    build: { type: 'string', default: 'build' },
    db: { type: 'string' },
    'data-dir': { type: 'string' },
    fault: { type: 'string', default: 'kill' },
    total: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '64' },
    brin: { type: 'string', default: '99DM' },
  },
});
const TOTAL = Number(args.total);
const CONCURRENCY = Number(args.concurrency);
const FAULT_AFTER = Math.floor(TOTAL * 0.3);

const servers = [];
function fail(message) {
  console.error(`crash.mjs (${args.fault}): FAILED: ${message}`);
  for (const child of servers) if (child.exitCode === null) child.kill('SIGKILL');
  process.exit(1);
}

async function startServer() {
  const server = await start({ build: args.build, db: args.db, dataDir: args['data-dir'] });
  servers.push(server.child);
  return server;
}

async function stopServer(server, signal) {
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill(signal);
  await exited;
}

function reportBody(i, narrative) {
  const confidential = i % 3 === 0;
  return JSON.stringify({
    phase: i % 2 ? 'search' : 'internship',
    grounds: ['origin'],
    narrative,
    company: { name: `Bedrijf ${i % 20} B.V.` },
    wishes: ['talk'],
    consent: { contact_company: false },
    mode: confidential ? 'confidential' : 'anonymous',
    ...(confidential ? { reporter: { name: `Student ${i}`, student_number: `${200000 + i}` } } : {}),
  });
}

async function submitAll(state, total, onAck, offset = 0) {
  const statuses = new Map();
  let next = 0;
  async function worker() {
    while (next < total) {
      const i = offset + next++;
      const narrative = `crash-${args.fault}-${i}-${randomBytes(8).toString('hex')} Ik werd geweigerd na het zien van mijn naam.`;
      let status = 'network';
      try {
        const res = await fetch(`${state.url}/api/v1/schools/${args.brin}/reports`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: reportBody(i, narrative),
          signal: AbortSignal.timeout(15000),
        });
        status = res.status;
        const body = await res.text();
        if (res.status === 201) {
          const receipt = JSON.parse(body).receipt;
          state.acked.push({ receipt, narrative, at: Date.now() });
          await onAck(state.acked.length);
        }
      } catch {
        // A connection refused or reset is not an acknowledgement.
      }
      statuses.set(status, (statuses.get(status) || 0) + 1);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

async function verify(url, acked) {
  let bad = 0;
  for (const a of acked) {
    const { narrative, why } = await openReceipt(url, a.receipt);
    if (narrative !== a.narrative) {
      bad++;
      if (bad <= 3) console.error(`report unreadable or changed after the fault (${why || 'content differs'})`);
    }
  }
  return bad;
}

// Runs while the submissions go on (never blocking them), so that requests
// arrive while PostgreSQL is down.
async function restartPostgres() {
  const ctl = process.env.STAGEPUNT_TEST_PG_CTL;
  if (!ctl) fail('STAGEPUNT_TEST_PG_CTL is not set; run under scripts/pg-test-cluster');
  const run = promisify(execFile);
  await run(ctl, ['stop']);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  await run(ctl, ['start']);
}

const started = Date.now();
let server = await startServer();
const state = { url: server.url, acked: [] };
let faultDone = false;
let restartedAt = 0;
let restart = null;
const statuses = await submitAll(state, TOTAL, async (count) => {
  if (faultDone || count < FAULT_AFTER) return;
  faultDone = true;
  if (args.fault === 'kill') {
    server.child.kill('SIGKILL');
  } else if (args.fault === 'pg-restart') {
    restart = restartPostgres().then(() => { restartedAt = Date.now(); });
  } else {
    fail(`unknown --fault ${args.fault}`);
  }
});
if (!faultDone) fail(`only ${state.acked.length} acknowledgements; the fault never happened`);
if (restart) await restart;

const counted = Object.fromEntries([...statuses].map(([k, v]) => [String(k), v]));
console.log(`crash.mjs (${args.fault}): ${TOTAL} submissions, ${CONCURRENCY} at a time: ${JSON.stringify(counted)}`);
if (args.fault === 'kill') {
  await new Promise((resolve) => (server.child.exitCode !== null || server.child.signalCode !== null
    ? resolve() : server.child.once('exit', resolve)));
  server = await startServer();
} else {
  for (const k of Object.keys(counted)) {
    if (k !== '201' && k !== '503') fail(`status ${k} during the PostgreSQL restart; only 201 and 503 are allowed`);
  }
  // PostgreSQL is back: the same server process must take reports again by
  // itself (its pool reconnects); allow it a few seconds to notice.
  const before = state.acked.length;
  const deadline = Date.now() + 15000;
  let again = new Map();
  while (state.acked.length === before && Date.now() < deadline) {
    again = await submitAll(state, 10, async () => {}, TOTAL);
    if (state.acked.length === before) await new Promise((r) => setTimeout(r, 250));
  }
  const more = await submitAll(state, 100, async () => {}, TOTAL + 10);
  const moreCounted = Object.fromEntries([...more].map(([k, v]) => [String(k), v]));
  if (state.acked.length === before) fail('no report was accepted after PostgreSQL came back: the server did not reconnect');
  if (moreCounted['201'] !== 100) fail(`after reconnecting, 100 more submissions gave ${JSON.stringify(moreCounted)}`);
  console.log(`crash.mjs (${args.fault}): PostgreSQL back after ${((restartedAt - started) / 1000).toFixed(1)} s; the server reconnected by itself and accepted ${state.acked.length - before} more reports (${JSON.stringify(Object.fromEntries(again))} in its first try)`);
}
const bad = await verify(server.url, state.acked);
await stopServer(server, 'SIGTERM');
console.log(`crash.mjs (${args.fault}): ${state.acked.length} acknowledged with 201, ${bad} unreadable or changed after the fault (${((Date.now() - started) / 1000).toFixed(1)} s)`);
if (bad > 0) fail(`${bad} acknowledged reports lost or changed`);
