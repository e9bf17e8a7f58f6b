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
  basicPageChecks, PHONE, assertNoHorizontalScroll, submitWith, flashText,
  assertNoErrorState, softChecks, assertNoRawMessageKeys, phonePage, expectText, totpWait,
} from './lib.mjs';
import { registerStagematchingTests } from './stagematching.mjs';
import { registerNormTests } from './norm.mjs';
import { registerMonitorTests } from './monitor.mjs';
import { registerSsoTests } from './sso.mjs';
import { registerReferralTests } from './referral.mjs';
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
  { name: 'password-forgotten', path: '/wachtwoord-vergeten' },
  { name: 'privacy-school', path: '/s/99DM/privacy' },
  { name: 'privacy-index', path: '/privacy' },
  { name: 'report-withdrawn', path: '/melding/ingetrokken' },
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
  admin: ['/admin/users', '/admin/meldpunt', '/admin/meldpunt/leiding', '/admin/import', '/admin/sso',
    '/admin/privacy/verklaring', '/admin/bewaartermijnen'],
  sysadmin: ['/admin/schools', '/admin/mail'],
  meldpunt: ['/meldpunt', '/meldpunt/signalen'],
  coordinator: ['/stagematching/bedrijven'],
  student: ['/s/99DM/melden', '/account/mail', '/account/wachtwoord'],
};
// The rights pages (docs/rights.md): one's own data and requests, the admin's list.
ROLE_PAGES.student.push('/account/privacy', '/account/privacy/gegevens');
ROLE_PAGES.company = [...(ROLE_PAGES.company || []), '/account/privacy', '/account/privacy/gegevens'];
ROLE_PAGES.admin.push('/admin/privacy/verzoeken');
// The stagebegeleider's pages (docs/teacher.md): their students, one student's
// concern form, the conversation guide; the coordinator's links, the meldpunt's
// requests to talk and the student's reports made for them.
ROLE_PAGES.teacher = [...(ROLE_PAGES.teacher || []), '/begeleiding', '/begeleiding/gesprek'];
ROLE_PAGES.coordinator.push('/stagematching/begeleiders');
ROLE_PAGES.meldpunt.push('/meldpunt/overleg');
ROLE_PAGES.student.push('/mijn-meldingen');
// Referrals (docs/referrals.md): the school's ADV and SBB contacts; the norm page with the outside routes.
ROLE_PAGES.admin.push('/admin/doorverwijzing');
PUBLIC_PAGES.push({ name: 'norm-page', path: '/s/99DM/norm' });

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

// The stagebegeleider's pages in Dutch and English, one student's concern
// form included (its id differs per database, so it is found on the list).
test('teacher: students, a student\'s concern form and the guide, nl and en (axe, 360 px)', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    const problems = trackProblems(page);
    await login(page, 'teacher@99dm.demo');
    await goto(page, '/begeleiding');
    const href = await page.locator('a[href^="/begeleiding/studenten/"]').first().getAttribute('href');
    if (!href) throw new Error('the demo teacher supervises no student');
    const startLang = (await htmlLang(page)).slice(0, 2);
    for (const round of [1, 2]) {
      for (const path of ['/begeleiding', href, '/begeleiding/gesprek']) {
        await goto(page, path);
        const label = path === href ? '/begeleiding/student' : path;
        await checkPage(page, `teacher-${round}${label.replace(/\//g, '-')}`, { problems });
      }
      await switchLanguage(page);
    }
    if ((await htmlLang(page)).slice(0, 2) !== startLang) await switchLanguage(page);
    await logout(page);
  } finally {
    await context.close();
  }
});

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
// Meldpunt journey (issue 4, "Browser tests"): a student reports anonymously on
// a 360 px phone, a handler takes the case and messages the student, and the
// student replies with their code. Every page on the way gets axe (0
// violations); the student's pages must not scroll sideways at 360 px.
// Checks that need not stop the journey (axe, reflow, error states, wording)
// are collected and reported together at the end of each test.
// ---------------------------------------------------------------------------
const SCHOOL_FORM = '/s/99DM/melden';
const HANDLER = 'meldpunt@99dm.demo'; // meldpunt lead: sees every case and may assign
const HANDLER_NAME = 'Mo Bakker';     // their display name in the demo data
// What the anonymous report test leaves for the handler test.
const journey = { code: '', caseNumber: '', narrative: '', marker: '' };

function daysAgoIso(days) {
  return new Date(Date.now() - days * 86400000).toISOString().slice(0, 10);
}

async function reportAnonymouslyOnPhone() {
  const soft = softChecks();
  const context = await newContext(browser, PHONE);
  try {
    const page = await context.newPage();
    const problems = trackProblems(page);
    journey.marker = `E2E-${Date.now().toString(36)}`;
    journey.narrative = `Ik belde over een stageplek. Toen ik mijn naam noemde, was de plek ineens vol. (${journey.marker})`;

    // Home page → "Iets melden" → (the school chooser when there is more than one school) → the form.
    await goto(page, '/');
    await phonePage(page, 'home', soft, problems);
    await submitWith(page, page.getByRole('link', { name: 'Iets melden', exact: true }));
    if (pathOf(page) === '/melden') {
      await phonePage(page, 'choose-school', soft, problems);
      await submitWith(page, page.locator(`a[href$="${SCHOOL_FORM}"]`).first());
    }
    if (pathOf(page) !== SCHOOL_FORM) throw new Error(`"Iets melden" led to ${page.url()}, expected ${SCHOOL_FORM}`);
    await phonePage(page, 'report-form', soft, problems);

    // What happened, when, phase, grounds.
    await page.locator('#phase_search').check();
    const occurredOn = daysAgoIso(7);
    await page.locator('#occurred_on').fill(occurredOn);
    await page.locator('#grounds_origin').check();
    await page.locator('#grounds_religion').check();
    await page.locator('#narrative').fill(journey.narrative);

    // The company: enhance.js searches the school's register while typing…
    await page.locator('#company_name').fill('Korenschoof');
    await page.locator('.sp-search-results #co_100001').waitFor({ state: 'visible' });
    await soft.check('axe on the live company search', () => axeCheck(page, 'report form with live company search [nl, 360px]'));
    await soft.check('reflow on the live company search', () => assertNoHorizontalScroll(page, 'live company search'));
    // …and the Zoeken button (a plain submit: the path without JavaScript) does it on the server.
    const searched = await submitWith(page, page.locator('button[type="submit"][name="action"][value="search"]'));
    if (searched.status() !== 200) throw new Error(`company search: HTTP ${searched.status()}`);
    const hit = page.locator('.sp-search-results input[type="radio"][name="company_leerbedrijf_id"][value="100001"]');
    if ((await hit.count()) !== 1) {
      throw new Error(`company search for "Korenschoof" did not offer leerbedrijf 100001:\n` +
        `${(await page.locator('#company').innerText()).slice(0, 500)}`);
    }
    // The search keeps what the student typed.
    if ((await page.locator('#narrative').inputValue()) !== journey.narrative) throw new Error('company search lost the narrative');
    for (const id of ['#phase_search', '#grounds_origin', '#grounds_religion']) {
      if (!(await page.locator(id).isChecked())) throw new Error(`company search lost ${id}`);
    }
    if ((await page.locator('#occurred_on').inputValue()) !== occurredOn) throw new Error('company search lost the date');
    await phonePage(page, 'report-form-company-found', soft, problems);
    await hit.check();

    // Wishes, and the mode: anonymous.
    await page.locator('#wishes_talk').check();
    await page.locator('#wishes_action_company').check();
    await page.locator('#mode_anonymous').check();
    const submitted = await submitWith(page, page.locator('button[type="submit"][name="action"][value="submit"]'));
    if (submitted.status() !== 201) {
      const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
      throw new Error(`submitting the report: HTTP ${submitted.status()}, expected 201 ${summary}`);
    }

    // Receipt: the code once, case number, hash, and the "I saved my code" step.
    const code = (await page.locator('#receipt-code').innerText()).trim();
    if (code.replace(/[^A-Za-z0-9]/g, '').length < 16) throw new Error(`receipt code "${code}" is too short for 80 bits`);
    const caseNumber = (await page.locator('#case-number').innerText()).trim();
    if (!caseNumber) throw new Error('receipt shows no case number');
    journey.code = code;
    journey.caseNumber = caseNumber;
    await expectText(page.locator('.sp-facts'), /[0-9a-f]{64}/, 'receipt SHA-256');
    const saved = page.locator('input[type="checkbox"]#saved');
    if ((await saved.count()) !== 1 || (await saved.isChecked())) throw new Error('receipt has no unticked "I saved my code" checkbox');
    await expectText(page.locator('label[for="saved"]'), 'Ik heb mijn code bewaard', '"I saved my code" label');
    await phonePage(page, 'receipt', soft, problems);

    // Continuing without ticking the box is refused, and the code is still there.
    const savedForm = page.locator('form', { has: page.locator('#saved') });
    const unticked = await submitWith(page, savedForm.locator('button[type="submit"]'));
    const onReceipt = (await page.locator('#saved').count()) === 1;
    await soft.check('"Verder" without the tick', async () => {
      if (unticked.status() !== 400 || !onReceipt) {
        throw new Error(`HTTP ${unticked.status()} "${(await page.locator('h1').innerText()).trim()}", ` +
          `expected 400 with the receipt and its error (the "I saved my code" form posts to ${unticked.url()})`);
      }
      if ((await page.locator('.sp-error-summary').count()) !== 1) throw new Error('no error summary');
      if ((await page.locator('#receipt-code').innerText()).trim() !== code) throw new Error('the code is gone');
      await expectText(page.locator('#saved-error'), /\S/, 'error beside the checkbox');
    });
    let thanked = false;
    if (onReceipt) {
      await phonePage(page, 'receipt-not-saved', soft, problems, { clean: false });
      await page.locator('#saved').check();
      const done = await submitWith(page, page.locator('form', { has: page.locator('#saved') }).locator('button[type="submit"]'));
      thanked = done.status() === 200 && (await page.locator('#saved').count()) === 0;
      await soft.check('"I saved my code" confirmed', async () => {
        if (!thanked) {
          throw new Error(`HTTP ${done.status()} "${(await page.locator('h1').innerText()).trim()}", expected 200 and the thank-you page`);
        }
      });
    }
    if (thanked) {
      if ((await page.content()).includes(code)) throw new Error('the code is shown again after "I saved my code"');
      await phonePage(page, 'report-done', soft, problems);
      await submitWith(page, page.locator('main a[href="/melding"]').first());
    } else {
      // The step above failed (already recorded); go on to the follow-up so the rest is still tested.
      await goto(page, '/melding');
    }

    // Follow-up with the code.
    if (pathOf(page) !== '/melding') throw new Error(`follow-up link led to ${page.url()}`);
    await phonePage(page, 'followup-code', soft, problems);
    await page.locator('#receipt').fill(code);
    await submitWith(page, page.locator('form[action="/melding"] button[type="submit"]'));
    if (pathOf(page) !== '/melding/zaak') throw new Error(`entering the code led to ${page.url()}`);
    await expectText(page.locator('h1'), caseNumber, 'follow-up heading');
    await expectText(page.locator('#case-status'), 'Ontvangen', 'status after reporting');
    await expectText(page.locator('main'), journey.marker, 'follow-up shows the report');
    await phonePage(page, 'followup-case', soft, problems);
    // The withdrawal's confirmation (not sent: the report stays for the rest).
    await goto(page, '/melding/intrekken');
    await phonePage(page, 'withdraw-confirm', soft, problems);
  } finally {
    await context.close();
  }
  soft.throwIfAny();
}

test('meldpunt: a student reports anonymously on a 360 px phone (company search, receipt, saved code, follow-up)', async () => {
  await reportAnonymouslyOnPhone();
});

test('meldpunt: no JavaScript: the Zoeken button finds a company and keeps what was typed', async () => {
  const context = await newContext(browser, { ...PHONE, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await goto(page, SCHOOL_FORM);
    await page.locator('#narrative').fill('Zonder JavaScript getypt.');
    await page.locator('#company_name').fill('100004'); // by leerbedrijf-ID
    const res = await submitWith(page, page.locator('button[type="submit"][name="action"][value="search"]'));
    if (res.status() !== 200) throw new Error(`search without JavaScript: HTTP ${res.status()}`);
    await expectText(page.locator('.sp-search-results label[for="co_100004"]'), 'ICT Huis Midden', 'company found by its ID');
    if ((await page.locator('#narrative').inputValue()) !== 'Zonder JavaScript getypt.') throw new Error('the search lost the narrative');
    // axe needs JavaScript; the JavaScript journey checks the same page with axe.
    await screenshot(page, 'nojs-report-form-company-found', 360);
  } finally {
    await context.close();
  }
});

test('meldpunt: a handler takes the case and messages the student; the student replies with the code', async () => {
  if (!journey.code) await reportAnonymouslyOnPhone(); // when run on its own (name filter)
  const soft = softChecks();
  const staffContext = await newContext(browser);
  const studentContext = await newContext(browser, PHONE);
  try {
    // Handler: inbox → the new case.
    const staff = await staffContext.newPage();
    const staffProblems = trackProblems(staff);
    // Both widths with screenshots for the case page itself; one axe run for the pages around it.
    const staffPage = async (name, { full = false } = {}) => {
      await soft.check(`axe on ${name}`, () => (full
        ? checkPage(staff, name, { problems: staffProblems })
        : axeCheck(staff, `${name} [${pathOf(staff)}]`)));
      await soft.check(`assets on ${name}`, async () => {
        if (staffProblems.length) throw new Error(staffProblems.splice(0).join('; '));
      });
      await soft.check(`error state on ${name}`, () => assertNoErrorState(staff, name));
      await soft.check(`wording on ${name}`, () => assertNoRawMessageKeys(staff, name));
    };
    await login(staff, HANDLER);
    const startLang = (await htmlLang(staff)).slice(0, 2);
    await goto(staff, '/meldpunt');
    const caseLink = staff.getByRole('link', { name: journey.caseNumber, exact: true });
    const row = staff.locator('tr', { has: caseLink });
    if ((await row.count()) !== 1) throw new Error(`case ${journey.caseNumber} is not in the inbox`);
    await expectText(row, 'Ontvangen', 'inbox status of the new case');
    await expectText(row, 'Bakkerij De Korenschoof', 'inbox company of the new case');
    await staffPage('meldpunt-inbox-new-case');
    await submitWith(staff, caseLink);
    const casePath = pathOf(staff);
    if (!/^\/meldpunt\/zaken\/[^/]+$/.test(casePath)) throw new Error(`case link led to ${staff.url()}`);
    await expectText(staff.locator('#narrative'), journey.marker, 'handler reads the narrative');
    await expectText(staff.locator('#case-status'), 'Ontvangen', 'case status');
    await expectText(staff.locator('main .sp-facts').first(), 'Bakkerij De Korenschoof', 'case company (chosen in the search)');
    await staffPage('meldpunt-case', { full: true });
    // And in English.
    await switchLanguage(staff);
    await staffPage('meldpunt-case', { full: true });
    await switchLanguage(staff);
    if ((await htmlLang(staff)).slice(0, 2) !== startLang) throw new Error('language did not switch back');

    // Take it: assign it to myself.
    const assignee = staff.locator('#assignee');
    const mine = await assignee.locator('option', { hasText: HANDLER_NAME }).first().getAttribute('value');
    if (!mine) throw new Error(`no option for ${HANDLER_NAME} in #assignee`);
    await assignee.selectOption(mine);
    await submitWith(staff, staff.locator(`form[action="${casePath}/toewijzen"] button[type="submit"]`));
    await expectText(staff.locator('main .sp-facts').first(), HANDLER_NAME, 'assigned handler');
    await soft.check('flash after assigning', () => flashText(staff, 'case after assigning'));
    await soft.check('axe after assigning', () => axeCheck(staff, 'case after assigning'));

    // Move it to intake.
    await staff.locator('#status').selectOption('intake');
    await submitWith(staff, staff.locator(`form[action="${casePath}/status"] button[type="submit"]`));
    await expectText(staff.locator('#case-status'), 'Intake', 'status after the change');
    await soft.check('flash after the status change', () => flashText(staff, 'case after the status change'));
    await soft.check('axe after the status change', () => axeCheck(staff, 'case after the status change'));

    // Message the student.
    const toStudent = `Dank je voor je melding. We geloven je. Wanneer belde je precies? (${journey.marker}-vraag)`;
    await staff.locator('#text').fill(toStudent);
    await submitWith(staff, staff.locator(`form[action="${casePath}/bericht"] button[type="submit"]`));
    await expectText(staff.locator('.sp-messages'), toStudent, 'handler message on the case');
    await soft.check('flash after the message', () => flashText(staff, 'case after the message'));
    await staffPage('meldpunt-case-after-message');

    // Student, in a fresh browser: the code → status and the handler's message → reply.
    const student = await studentContext.newPage();
    const studentProblems = trackProblems(student);
    await goto(student, '/melding');
    await student.locator('#receipt').fill(journey.code);
    await submitWith(student, student.locator('form[action="/melding"] button[type="submit"]'));
    if (pathOf(student) !== '/melding/zaak') throw new Error(`entering the code led to ${student.url()}`);
    await expectText(student.locator('#case-status'), 'Intake', 'status seen by the student');
    await expectText(student.locator('.sp-messages'), toStudent, 'handler message seen by the student');
    await phonePage(student, 'followup-case-with-message', soft, studentProblems);
    // And in English.
    await switchLanguage(student);
    await expectText(student.locator('.sp-messages'), toStudent, 'handler message (en)');
    await phonePage(student, 'followup-case-with-message', soft, studentProblems);
    await switchLanguage(student);

    const reply = `Ik belde op maandagochtend. (${journey.marker}-antwoord)`;
    await student.locator('#text').fill(reply);
    const sent = await submitWith(student, student.locator('form[action="/melding/bericht"] button[type="submit"]'));
    if (sent.status() !== 200) throw new Error(`student reply: HTTP ${sent.status()}`);
    await expectText(student.locator('.sp-messages .sp-message--mine'), reply, 'student reply on the follow-up page');
    await soft.check('flash after the reply', () => flashText(student, 'follow-up after the reply'));
    await phonePage(student, 'followup-case-after-reply', soft, studentProblems);
    // The language link on the page after sending must still lead to the case.
    await soft.check('language switch after the reply', async () => {
      const href = await student.locator('a.sp-lang').getAttribute('href');
      const res = await student.goto(url(href), { waitUntil: 'load' });
      if (!res || res.status() !== 200 || (await student.locator('#case-status').count()) !== 1) {
        throw new Error(`the language link (${href}) on the page after sending a message led to ` +
          `HTTP ${res && res.status()} "${(await student.locator('h1').first().innerText()).trim()}" at ${pathOf(student)}, expected the case`);
      }
    });

    // Handler: the reply is on the case page.
    await goto(staff, casePath);
    await expectText(staff.locator('.sp-messages'), reply, 'student reply on the case page');
    await staffPage('meldpunt-case-after-reply', { full: true });
    await logout(staff);
  } finally {
    await studentContext.close();
    await staffContext.close();
  }
  soft.throwIfAny();
});

// ---------------------------------------------------------------------------
// Stagematching journey (issue 5): see stagematching.mjs.
registerStagematchingTests(test, () => browser);
registerNormTests(test, () => browser);
registerMonitorTests(test, () => browser);
registerSsoTests(test, () => browser);
registerReferralTests(test, () => browser);

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
  console.log(`${totpWait.logins} TOTP logins waited ${Math.round(totpWait.ms / 1000)} s for a fresh step`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
