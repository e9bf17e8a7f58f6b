#!/usr/bin/env node
// Stagepunt browser test suite.
//
//   STAGEPUNT_URL=http://127.0.0.1:18080 \
//   STAGEPUNT_DEMO_PASSWORD=... STAGEPUNT_DEMO_TOTP_SECRET=... \
//   node tests/e2e/run.mjs [name-filter]
//
// Ends with a line "N passed, N failed" and exits non-zero on any failure.
// To cover a new page, add its path to PUBLIC_PAGES or ROLE_PAGES below.
import {
  BASE_URL, DEMO_PASSWORD, DEMO_TOTP_SECRET, SCREENSHOT_DIR,
  launchBrowser, newContext, trackProblems, goto, login, logout,
  axeCheck, checkPage, switchLanguage, htmlLang, pathOf, url, screenshot,
} from './lib.mjs';
import { totp, base32Decode } from './totp.mjs';

// ---------------------------------------------------------------------------
// Data: what to test. Add pages here.
// ---------------------------------------------------------------------------

// Pages anyone can open without logging in.
export const PUBLIC_PAGES = [
  { name: 'home', path: '/' },
  { name: 'login', path: '/login' },
  { name: 'report-form', path: '/s/99DM/melden' },
  { name: 'report-followup', path: '/melding' },
];

// Demo users. mfa: the server must ask for a TOTP code.
const SCHOOL_ROLES = [
  { role: 'student', mfa: false },
  { role: 'meldpunt', mfa: true },
  { role: 'coordinator', mfa: false },
  { role: 'teacher', mfa: false },
  { role: 'management', mfa: false },
  { role: 'company', mfa: false },
  { role: 'admin', mfa: true },
];
export const USERS = [
  ...['99dm', '98dm'].flatMap((school) =>
    SCHOOL_ROLES.map(({ role, mfa }) => ({ role, mfa, login: `${role}@${school}.demo` }))),
  { role: 'sysadmin', mfa: true, login: 'sysadmin@demo' },
];

// Extra pages each role must be able to open (after /dashboard), checked with
// axe and screenshots in the same session.
export const ROLE_PAGES = {
  admin: ['/admin/users', '/admin/meldpunt'],
  sysadmin: ['/admin/schools'],
  meldpunt: ['/meldpunt', '/meldpunt/signalen'],
  coordinator: ['/meldpunt/signalen'],
  student: ['/s/99DM/melden'],
};

// ---------------------------------------------------------------------------
// Tiny runner
// ---------------------------------------------------------------------------
const tests = [];
// Generous: a TOTP login may wait up to one 30 s step for replay protection.
const TEST_TIMEOUT_MS = Number(process.env.E2E_TEST_TIMEOUT_MS || 120000);
function test(name, fn) { tests.push({ name, fn }); }

// TOTP helper self-check (RFC 6238 Appendix B, SHA-1).
test('totp: RFC 6238 SHA-1 vector T=59 -> 94287082', async () => {
  const key = Buffer.from('12345678901234567890', 'ascii');
  const got = totp(key, { time: 59, digits: 8 });
  if (got !== '94287082') throw new Error(`got ${got}`);
  const b32 = totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', { time: 1111111109, digits: 8 });
  if (b32 !== '07081804') throw new Error(`base32 variant got ${b32}`);
  if (DEMO_TOTP_SECRET) base32Decode(DEMO_TOTP_SECRET); // throws on a malformed secret
});

let browser;

for (const p of PUBLIC_PAGES) {
  test(`public ${p.name} (${p.path}): axe + screenshots, both languages`, async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await goto(page, p.path);
      await checkPage(page, `public-${p.name}`, { problems });
      await switchLanguage(page);
      await checkPage(page, `public-${p.name}`, { problems });
    } finally {
      await context.close();
    }
  });
}

test('public home links to /login', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await goto(page, '/');
    if ((await page.locator('a[href$="/login"]').count()) === 0) throw new Error('no link to /login on /');
  } finally {
    await context.close();
  }
});

test('login with a wrong password stays off the dashboard and is accessible', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await goto(page, '/login');
    await page.locator('input[name="login"]').fill('student@99dm.demo');
    await page.locator('input[name="password"]').fill(`wrong-${Date.now()}`);
    const form = page.locator('form', { has: page.locator('input[name="password"]') }).first();
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first().click(),
    ]);
    if (pathOf(page) === '/dashboard') throw new Error('wrong password reached /dashboard');
    await axeCheck(page, 'login error page');
    await screenshot(page, 'public-login-error', 360);
    // GOV.UK pattern: if the server renders an error summary, enhance.js focuses it.
    if ((await page.locator('.sp-error-summary').count()) > 0) {
      await page.waitForFunction(() => document.activeElement?.closest('.sp-error-summary'), null, { timeout: 3000 })
        .catch(() => { throw new Error('.sp-error-summary present but not focused (enhance.js loaded?)'); });
    }
    await goto(page, '/dashboard', { expectStatus: null });
    if (pathOf(page) === '/dashboard' && (await page.locator('form[action$="/logout"]').count()) > 0) {
      throw new Error('/dashboard reachable without a session');
    }
  } finally {
    await context.close();
  }
});

for (const user of USERS) {
  test(`role ${user.role} (${user.login}): login, dashboard, axe, screenshots, language, logout`, async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      const { mfa } = await login(page, user.login);
      if (user.mfa && !mfa) throw new Error(`${user.login} logged in without a TOTP step`);
      const name = `role-${user.login}`;
      const startLang = (await htmlLang(page)).slice(0, 2);
      await checkPage(page, `${name}-dashboard`, { problems });
      await switchLanguage(page);
      await checkPage(page, `${name}-dashboard`, { problems });
      for (const extra of ROLE_PAGES[user.role] || []) {
        await goto(page, extra);
        await checkPage(page, `${name}${extra}`, { problems });
      }
      // Switch back so the stored language preference is left as it was.
      if ((await htmlLang(page)).slice(0, 2) !== startLang) await switchLanguage(page);
      await logout(page);
    } finally {
      await context.close();
    }
  });
}

test('no JavaScript: student can log in, see the dashboard and log out', async () => {
  const context = await newContext(browser, { javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await login(page, 'student@99dm.demo');
    if ((await page.locator('h1').count()) < 1) throw new Error('no <h1> on dashboard without JS');
    // axe needs JavaScript, so it is not run in this context (the JS-enabled
    // role tests cover axe on the same dashboard).
    await screenshot(page, 'nojs-student-dashboard', 360);
    await logout(page);
  } finally {
    await context.close();
  }
});

// ---------------------------------------------------------------------------
async function main() {
  const filter = process.argv[2] || process.env.E2E_GREP || '';
  const selected = tests.filter((t) => !filter || t.name.includes(filter));
  console.log(`Stagepunt e2e against ${BASE_URL} (${selected.length} tests; screenshots in ${SCREENSHOT_DIR})`);
  if (!DEMO_PASSWORD) console.log('warning: STAGEPUNT_DEMO_PASSWORD is not set; login tests will fail');

  let passed = 0;
  let failed = 0;
  try {
    browser = await launchBrowser();
  } catch (e) {
    console.log(`not ok - launch chromium: ${e.message}`);
    console.log(`0 passed, ${selected.length} failed`);
    process.exit(1);
  }
  // Fail fast and clearly when the server is not up.
  try {
    const res = await fetch(url('/'), { redirect: 'manual' });
    if (res.status >= 500) throw new Error(`HTTP ${res.status}`);
  } catch (e) {
    console.log(`not ok - server at ${BASE_URL} is not reachable: ${e.message}`);
    await browser.close();
    console.log(`0 passed, ${selected.length} failed`);
    process.exit(1);
  }

  for (const t of selected) {
    const started = Date.now();
    let timer;
    try {
      await Promise.race([
        t.fn(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out after ${TEST_TIMEOUT_MS} ms`)), TEST_TIMEOUT_MS); }),
      ]);
      clearTimeout(timer);
      passed++;
      console.log(`ok - ${t.name} (${Date.now() - started} ms)`);
    } catch (e) {
      clearTimeout(timer);
      failed++;
      console.log(`not ok - ${t.name} (${Date.now() - started} ms)`);
      console.log(String(e && e.stack ? e.message : e).split('\n').map((l) => `    ${l}`).join('\n'));
    }
  }
  await browser.close();
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
