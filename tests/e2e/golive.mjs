#!/usr/bin/env node
// The go-live journey in Chromium, on a school that scripts/run-golive set up
// by following docs/deploy.md (no demo data):
//
//   1. the lead and the coördinator get their invitation by e-mail, choose a
//      password (the lead also a second step);
//   2. the coördinator publishes the norm and opens a round;
//   3. the company contact, invited by e-mail through the companies import,
//      accepts the norm;
//   4. a student logs in with single sign-on and enters a leerwens;
//   5. the coördinator closes, runs and publishes the round: the company sees
//      its student;
//   6. someone reports; the lead gets an e-mail naming only the reference, and
//      opens the case; the reporter then withdraws it with the code;
//   7. the school admin sets the school's regional ADV, which the report form
//      names without logging in; the stagebegeleider, invited by e-mail, sees
//      their student and raises a concern with the student's agreement; the
//      student collects the code in their own account; the lead picks the
//      concern up and refers it to the ADV with only what the student agreed
//      to share; the ADV opens the link of a mail that holds nothing else;
//   8. the school admin fills in the privacy statement's contact and FG; the
//      student reads the privacy page, downloads their data and asks for
//      erasure; the admin erases them.
//
// Every mail that arrived is checked for the report's canaries at the end.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  BASE_URL, launchBrowser, newContext, goto, pathOf, url, submitWith, axeCheck, expectText,
} from './lib.mjs';
import { totp, totpStep } from './totp.mjs';

const MAIL_DIR = process.env.GOLIVE_MAIL_DIR;
const BRIN = process.env.GOLIVE_BRIN || '12AB';
const DOMAIN = process.env.GOLIVE_LOGIN_DOMAIN || 'rocvoorbeeld.nl';
if (!MAIL_DIR) throw new Error('GOLIVE_MAIL_DIR is not set (run scripts/run-golive)');

const ADMIN = `beheer@${DOMAIN}`;
const LEAD = `vertrouwenspersoon@${DOMAIN}`;
const COORDINATOR = `coordinator@${DOMAIN}`;
const CONTACT = 'praktijk@zorghuisdegolf.example';
const COMPANY = 'Zorghuis De Golf (golive)';
const STUDENT_ACCOUNT = 's700001'; // the IdP account whose student number is 700001
const STUDENT_NAME = 'Noor Test';
const PERIOD = 'BPV-periode 1 (golive)';
const PASSWORD = 'Golive-wachtwoord-2026!';
const CANARY = `GOLIVE-CANARY-${Date.now().toString(36)}`;
const DPO_NAME = 'Fenna Golive (FG)';
const TEACHER = `begeleider@${DOMAIN}`;
const OTHER_STUDENT = 'Daan Test'; // in the students import without a begeleider
const ADV_NAME = 'Antidiscriminatievoorziening Golive-regio';
const ADV_EMAIL = 'meldpunt@adv-golive.example';
// Left out of the referral by the student: must not reach the ADV.
const CONCERN_CANARY = `GOLIVE-CONCERN-${Date.now().toString(36)}`;

function isoDay(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

// ---- Mail: the .eml files the SMTP server wrote --------------------------
function decodeQuotedPrintable(s) {
  const bytes = [];
  const soft = s.replace(/=\r?\n/g, '');
  for (let i = 0; i < soft.length; i++) {
    if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(soft.slice(i + 1, i + 3))) {
      bytes.push(parseInt(soft.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(soft[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodeHeader(v) {
  return v.replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc, text) => (enc.toLowerCase() === 'b'
    ? Buffer.from(text, 'base64').toString('utf8')
    : decodeQuotedPrintable(text.replace(/_/g, ' '))));
}

function parseMail(raw) {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split).replace(/\r?\n[ \t]+/g, ' ');
  let body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  const headers = {};
  for (const line of head.split(/\r?\n/)) {
    const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
    if (m) headers[m[1].toLowerCase()] = decodeHeader(m[2]);
  }
  const cte = (headers['content-transfer-encoding'] || '').toLowerCase();
  if (cte === 'quoted-printable') body = decodeQuotedPrintable(body);
  if (cte === 'base64') body = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  return { headers, to: headers.to || '', subject: headers.subject || '', body, raw };
}

function allMails() {
  return readdirSync(MAIL_DIR).filter((f) => f.endsWith('.eml')).sort()
    .map((f) => parseMail(readFileSync(path.join(MAIL_DIR, f), 'utf8')));
}

// Waits (the server sends every 10 s) for a mail to `to` whose subject or
// body matches `re`.
async function waitForMail(to, re, what, timeoutMs = 60000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = allMails().find((m) => m.to.toLowerCase().includes(to.toLowerCase()) &&
      (re.test(m.subject) || re.test(m.body)));
    if (hit) return hit;
    if (Date.now() > until) {
      const seen = allMails().map((m) => `${m.to} | ${m.subject}`).join('\n  ');
      throw new Error(`no mail ${what} to ${to} within ${timeoutMs / 1000} s; received:\n  ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

// Like waitForMail, for a mail that was not there before (`before`: allMails()).
async function waitForNewMail(to, re, what, before, timeoutMs = 60000) {
  const seen = new Set(before.map((m) => m.raw));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const hit = allMails().find((m) => !seen.has(m.raw) &&
      m.to.toLowerCase().includes(to.toLowerCase()) && (re.test(m.subject) || re.test(m.body)));
    if (hit) return hit;
    if (Date.now() > until) throw new Error(`no new mail ${what} to ${to} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function linkIn(mail, pathPrefix) {
  const m = new RegExp(`${BASE_URL.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${pathPrefix}[^\\s<>"]*`).exec(mail.body);
  if (!m) throw new Error(`the mail "${mail.subject}" has no link ${BASE_URL}${pathPrefix}…:\n${mail.body}`);
  return m[0];
}

// ---- Logging in --------------------------------------------------------
const usedStep = new Map();
async function freshCode(who, secret) {
  for (;;) {
    const step = totpStep();
    const left = 30 - ((Date.now() / 1000) % 30);
    if (usedStep.get(who) !== step && left > 1.5) {
      usedStep.set(who, step);
      return totp(secret);
    }
    await new Promise((r) => setTimeout(r, left * 1000 + 300));
  }
}

// The invitation mail's link: choose a password; ends on the login page.
async function acceptInvitation(page, login) {
  const mail = await waitForMail(login, /invite|uitnodiging|account/i, 'with an invitation');
  await page.goto(linkIn(mail, '/invite/'), { waitUntil: 'load' });
  await page.locator('input[name="password"]').fill(PASSWORD);
  const res = await submitWith(page, page.locator('form button[type="submit"]').first());
  if (res.status() !== 200) throw new Error(`setting the password of ${login}: HTTP ${res.status()} at ${page.url()}`);
  return mail;
}

const totpSecrets = new Map();
// Password login; a first login of a role that needs a second step sets it
// up (the secret is read off the page, as a person would scan it).
async function passwordLogin(page, login) {
  await goto(page, `/s/${BRIN}/login`);
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(PASSWORD);
  await submitWith(page, page.locator('form:has(input[name="password"]) button[type="submit"]').first());
  if (pathOf(page) === '/account/security') {
    const secret = (await page.locator('.sp-secret code').first().innerText()).trim();
    totpSecrets.set(login, secret);
    await page.locator('input[name="code"]').fill(await freshCode(login, secret));
    await submitWith(page, page.locator('form:has(input[name="code"]) button[type="submit"]'));
  } else if (pathOf(page) === '/login/totp') {
    await page.locator('input[name="code"]').fill(await freshCode(login, totpSecrets.get(login)));
    await submitWith(page, page.locator('form:has(input[name="code"]) button[type="submit"]'));
  }
  if (pathOf(page) !== '/dashboard') throw new Error(`login as ${login} ended on ${page.url()}`);
}

// "Inloggen met je schoolaccount" on the school's login page, then the
// provider's login page (tests/oidc/provider.mjs), back to Stagepunt.
async function studentSsoLogin(page) {
  await goto(page, `/s/${BRIN}/login`);
  const issuer = new URL(BASE_URL).origin;
  await Promise.all([
    page.waitForURL((u) => !u.href.startsWith(issuer)),
    page.getByRole('link', { name: 'Inloggen met je schoolaccount' }).click(),
  ]);
  await page.getByLabel('Account').fill(STUDENT_ACCOUNT);
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(issuer), { waitUntil: 'load' }),
    page.getByRole('button', { name: 'Inloggen' }).click(),
  ]);
}

// ---- The journey ---------------------------------------------------------
const steps = [];
function step(name, fn) { steps.push({ name, fn }); }
const state = {};

step('the lead accepts the invitation mail and sets up the second step', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await acceptInvitation(page, LEAD);
  await passwordLogin(page, LEAD);
  await goto(page, '/meldpunt');
  await context.close();
});

step('the coördinator publishes the norm and opens a round', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await acceptInvitation(page, COORDINATOR);
  await passwordLogin(page, COORDINATOR);
  await goto(page, '/beleid/norm');
  // A new school writes its own norm: every section, in Dutch and English.
  for (const area of await page.locator('main form textarea').all()) {
    if (!(await area.inputValue()).trim()) {
      const en = (await area.getAttribute('lang')) === 'en';
      await area.fill(en ? 'We do not accept discrimination in internships (golive).'
        : 'Wij accepteren geen discriminatie bij stages (golive).');
    }
  }
  const publish = page.locator('form[action="/beleid/norm"] button[type="submit"]').last();
  const published = await submitWith(page, publish);
  if (published.status() !== 200) {
    const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
    throw new Error(`publishing the norm: HTTP ${published.status()} ${summary}`);
  }

  await goto(page, '/stagematching/rondes/nieuw');
  await page.locator('#name').fill('Ronde golive');
  await page.locator('#cohort').fill('2026');
  await page.locator('#period').fill(PERIOD);
  await page.locator('#crebos').fill('25480');
  await page.locator('#leerwens_deadline').fill(isoDay(0));
  await page.locator('#start').fill(isoDay(7));
  await page.locator('#end_planned').fill(isoDay(120));
  await page.locator('#hours').fill('400');
  await page.locator('#publish_lead_days').fill('14');
  const created = await submitWith(page, page.locator('form[action="/stagematching/rondes/nieuw"] button[type="submit"]'));
  if (created.status() !== 200) {
    const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
    throw new Error(`creating the round: HTTP ${created.status()} ${summary}`);
  }
  state.round = pathOf(page);
  await submitWith(page, page.locator('form[action$="/openen"] button[type="submit"]'));
  await expectText(page.locator('#round-status'), 'Open', 'the round after opening');
  await context.close();
});

step('the company contact, invited by e-mail, accepts the norm', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  const mail = await acceptInvitation(page, CONTACT);
  if (!mail.body.includes(CONTACT)) throw new Error('the invitation does not name the login');
  await passwordLogin(page, CONTACT);
  await goto(page, '/bedrijf');
  await expectText(page.locator('main'), COMPANY, 'the company page');
  await page.locator('#agree').check();
  await submitWith(page, page.locator('form[action="/bedrijf/norm"] button[type="submit"]'));
  if ((await page.locator('form[action="/bedrijf/norm"]').count()) !== 0) {
    throw new Error('the norm form is still there after accepting');
  }
  await axeCheck(page, 'company home after accepting');
  await context.close();
});

step('a student logs in with the school account and enters a leerwens', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await goto(page, `/s/${BRIN}/login`);
  await axeCheck(page, 'the school login page');
  await studentSsoLogin(page);
  await goto(page, '/stage');
  await expectText(page.locator('h1'), 'Mijn stage', 'the SSO student\'s page');
  await expectText(page.locator('main'), 'Ronde golive', 'the open round on Mijn stage');
  const roundLink = page.locator('main a[href^="/stage/rondes/"]').first();
  await submitWith(page, roundLink);
  const place = page.locator('select.sp-rank-select').first();
  await place.selectOption('1');
  await page.locator('#what_to_learn').fill('Werken met ouderen.');
  const saved = await submitWith(page, page.locator('button[type="submit"][name="action"][value="save"]'));
  if (saved.status() !== 200) throw new Error(`saving the leerwens: HTTP ${saved.status()}`);
  await context.close();
});

step('the coördinator runs and publishes the round: the company sees its student', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await passwordLogin(page, COORDINATOR);
  await goto(page, state.round);
  for (const action of ['sluiten', 'draaien']) {
    await submitWith(page, page.locator(`form[action$="/${action}"] button[type="submit"]`));
  }
  await goto(page, state.round);
  await submitWith(page, page.locator('form[action$="/publiceren"] button[type="submit"]'));
  await expectText(page.locator('#round-status'), 'Gepubliceerd', 'the round after publishing');
  await context.close();

  const company = await newContext(browser);
  const cp = await company.newPage();
  await passwordLogin(cp, CONTACT);
  await goto(cp, '/bedrijf');
  await expectText(cp.locator('main'), STUDENT_NAME, 'the placed student on the company page');
  await company.close();
});

step('a report reaches the lead by e-mail, who opens it', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await goto(page, `/s/${BRIN}/melden`);
  await page.locator('#phase_search').check();
  await page.locator('#grounds_origin').check();
  await page.locator('#narrative').fill(`Ik werd geweigerd om mijn achternaam. ${CANARY}`);
  await page.locator('#mode_anonymous').check();
  const submitted = await submitWith(page, page.locator('button[type="submit"][name="action"][value="submit"]'));
  if (submitted.status() !== 201) {
    const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
    throw new Error(`submitting the report: HTTP ${submitted.status()} ${summary}`);
  }
  const reference = (await page.locator('#case-number').innerText()).trim();
  state.reportCode = (await page.locator('#receipt-code').innerText()).trim();
  await context.close();

  const mail = await waitForMail(LEAD, new RegExp(reference.replace(/[^A-Z0-9-]/gi, '')), 'about the new case');
  const link = linkIn(mail, '/meldpunt/');
  const lead = await newContext(browser);
  const lp = await lead.newPage();
  await passwordLogin(lp, LEAD);
  await lp.goto(link, { waitUntil: 'load' });
  await expectText(lp.locator('main'), CANARY, 'the case content for the lead');
  state.caseLink = link;
  await lead.close();
});

step('the reporter withdraws the report with the code: the lead sees no content', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await goto(page, '/melding');
  await page.locator('#receipt').fill(state.reportCode);
  await submitWith(page, page.locator('form[action="/melding"] button[type="submit"]'));
  if (pathOf(page) !== '/melding/zaak') throw new Error(`the code led to ${page.url()}`);
  await submitWith(page, page.locator('main a[href="/melding/intrekken"]'));
  await axeCheck(page, 'the withdrawal confirmation');
  await submitWith(page, page.locator('form[action="/melding/intrekken"] button[type="submit"]'));
  if (pathOf(page) !== '/melding/ingetrokken') throw new Error(`withdrawing ended on ${page.url()}`);
  // The code now opens nothing but the word that it was withdrawn.
  await goto(page, '/melding');
  await page.locator('#receipt').fill(state.reportCode);
  const again = await submitWith(page, page.locator('form[action="/melding"] button[type="submit"]'));
  if (again.status() !== 410) throw new Error(`the code of a withdrawn report: HTTP ${again.status()}`);
  if ((await page.content()).includes(CANARY)) throw new Error('the withdrawn report still shows its content');
  await context.close();

  const lead = await newContext(browser);
  const lp = await lead.newPage();
  await passwordLogin(lp, LEAD);
  await lp.goto(state.caseLink, { waitUntil: 'load' });
  await expectText(lp.locator('main'), 'Ingetrokken', 'the withdrawn case for the lead');
  if ((await lp.content()).includes(CANARY)) throw new Error('the lead still sees the withdrawn content');
  await lead.close();
});

step('the school admin fills in the privacy contact and sees the retention preview', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await acceptInvitation(page, ADMIN);
  await passwordLogin(page, ADMIN);
  await goto(page, '/admin/privacy/verklaring');
  await page.locator('#address').fill('Schoolstraat 1, 1234 AB Voorbeeld');
  await page.locator('#email').fill(`privacy@${DOMAIN}`);
  await page.locator('#phone').fill('010 123 45 67');
  await page.locator('#dpo_name').fill(DPO_NAME);
  await page.locator('#dpo_email').fill(`fg@${DOMAIN}`);
  await submitWith(page, page.locator('form[action="/admin/privacy/verklaring"] button[type="submit"]'));
  if (!page.url().includes('ok=1')) {
    const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
    throw new Error(`saving the privacy contact ended on ${page.url()} ${summary}`);
  }
  await goto(page, '/admin/bewaartermijnen');
  await axeCheck(page, 'the retention periods and preview');
  await context.close();
});

step('the admin sets the school\'s ADV: the report form and the norm name it without logging in', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await passwordLogin(page, ADMIN);
  await goto(page, '/admin/doorverwijzing');
  await page.locator('#adv_name').fill(ADV_NAME);
  await page.locator('#adv_email').fill(ADV_EMAIL);
  await page.locator('#adv_website').fill('https://www.discriminatie.nl');
  const saved = await submitWith(page, page.locator('form[action="/admin/doorverwijzing"] button[type="submit"]'));
  const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
  if (saved.status() >= 400 || summary) throw new Error(`saving the ADV: HTTP ${saved.status()} ${summary}`);
  await axeCheck(page, 'the referral contacts');
  await context.close();

  const anyone = await newContext(browser);
  const ap = await anyone.newPage();
  for (const p of [`/s/${BRIN}/melden`, `/s/${BRIN}/norm`]) {
    await goto(ap, p);
    await expectText(ap.locator('main'), ADV_NAME, `the outside routes on ${p}`);
    await expectText(ap.locator('main'), 'College voor de Rechten van de Mens', `the outside routes on ${p}`);
  }
  await anyone.close();
});

step('the stagebegeleider sees their student and raises a concern with the student\'s agreement', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await acceptInvitation(page, TEACHER);
  await passwordLogin(page, TEACHER);
  await goto(page, '/begeleiding');
  await expectText(page.locator('main'), STUDENT_NAME, 'the teacher\'s student from begeleider_email');
  if ((await page.content()).includes(OTHER_STUDENT)) throw new Error('the teacher sees a student who is not theirs');
  await axeCheck(page, 'the stagebegeleider\'s students');
  await submitWith(page, page.locator('main a[href^="/begeleiding/studenten/"]').first());
  await page.locator('#agreed').check();
  await page.locator('#phase_internship').check();
  await page.locator('#grounds_origin').check();
  await page.locator('#actors_colleague').check();
  await page.locator('#narrative').fill(`De student vertelde dat collega's grappen maken over haar afkomst. ${CONCERN_CANARY}`);
  state.mailsBeforeConcern = allMails();
  const sent = await submitWith(page, page.locator('form[action$="/zorg"] button[type="submit"]'));
  if (sent.status() !== 201) {
    const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
    throw new Error(`raising the concern: HTTP ${sent.status()} ${summary}`);
  }
  state.teacherPage = await page.content();
  await context.close();
});

step('the student collects the code in their own account; the lead picks the concern up', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await studentSsoLogin(page);
  await goto(page, '/mijn-meldingen');
  await axeCheck(page, 'the student\'s own reports');
  await submitWith(page, page.locator('form[action^="/mijn-meldingen/"] button[type="submit"]').first());
  state.concernCode = (await page.locator('#receipt-code').innerText()).trim();
  if (state.concernCode.length < 20) throw new Error(`the student's code looks wrong: "${state.concernCode}"`);
  if (state.teacherPage.includes(state.concernCode)) throw new Error('the teacher\'s page showed the student\'s code');
  await context.close();

  const mail = await waitForNewMail(LEAD, /\/meldpunt\//, 'about the concern', state.mailsBeforeConcern);
  const lead = await newContext(browser);
  const lp = await lead.newPage();
  await passwordLogin(lp, LEAD);
  await lp.goto(linkIn(mail, '/meldpunt/'), { waitUntil: 'load' });
  await expectText(lp.locator('main'), CONCERN_CANARY, 'the concern for the lead');
  state.concernCase = new URL(lp.url()).pathname;
  await lead.close();
});

step('the lead refers the concern to the ADV with what the student agreed to share; the ADV opens it', async (browser) => {
  const lead = await newContext(browser);
  const lp = await lead.newPage();
  await passwordLogin(lp, LEAD);
  await goto(lp, `${state.concernCase}/doorverwijzingen`);
  await lp.locator('#destination_adv').check();
  await lp.locator('#part_grounds').check();
  await lp.locator('#part_dates').check();
  await submitWith(lp, lp.locator(`form[action="${state.concernCase}/doorverwijzingen"] button[type="submit"]`));
  const detail = new URL(lp.url()).pathname;
  if (!detail.startsWith(`${state.concernCase}/doorverwijzingen/`)) {
    const summary = await lp.locator('.sp-error-summary').innerText().catch(() => '');
    throw new Error(`composing the referral ended on ${lp.url()} ${summary}`);
  }
  if ((await lp.locator('main').innerText()).includes(CONCERN_CANARY)) {
    throw new Error('the summary holds the part the student left out');
  }

  const student = await newContext(browser);
  const sp = await student.newPage();
  await goto(sp, '/melding');
  await sp.locator('#receipt').fill(state.concernCode);
  await submitWith(sp, sp.locator('form[action="/melding"] button[type="submit"]'));
  await goto(sp, '/melding/doorverwijzingen');
  await expectText(sp.locator('main'), ADV_NAME, 'the destination for the student');
  await submitWith(sp, sp.locator('button[name="decision"][value="agree"]'));

  await goto(lp, detail);
  const before = allMails();
  await lp.locator('#delivery_mail').check();
  const sent = await submitWith(lp, lp.locator(`form[action="${detail}/versturen"] button[type="submit"]`));
  if (sent.status() >= 400) throw new Error(`sending the referral: HTTP ${sent.status()}`);
  await lead.close();

  const mail = await waitForNewMail(ADV_EMAIL, /\/doorverwijzing\//, 'with the referral', before);
  if (mail.raw.includes(CONCERN_CANARY) || mail.raw.includes(STUDENT_NAME)) {
    throw new Error('the referral mail holds more than a link');
  }
  const adv = await newContext(browser);
  const ap = await adv.newPage();
  await ap.goto(linkIn(mail, '/doorverwijzing/'), { waitUntil: 'load' });
  await expectText(ap.locator('main'), /afkomst/i, 'the ground in the summary the ADV opens');
  if ((await ap.content()).includes(CONCERN_CANARY)) throw new Error('the ADV reads what the student left out');
  await axeCheck(ap, 'the referral the ADV opens');
  await adv.close();

  await goto(sp, '/melding/doorverwijzingen');
  if ((await sp.content()).includes(CONCERN_CANARY)) throw new Error('the student\'s view of the referral holds the left-out part');
  await student.close();
});

step('the student reads the privacy page, downloads their data and asks for erasure', async (browser) => {
  const context = await newContext(browser);
  const page = await context.newPage();
  await studentSsoLogin(page);
  await goto(page, '/stage');
  await submitWith(page, page.locator('#footer-privacy'));
  if (pathOf(page) !== `/s/${BRIN}/privacy`) throw new Error(`the footer's privacy link led to ${page.url()}`);
  await expectText(page.locator('main'), DPO_NAME, 'the privacy page names the FG the admin set');
  await expectText(page.locator('main'), 'maanden', 'the privacy page gives retention periods');
  await axeCheck(page, 'the school privacy page');

  await goto(page, '/account/privacy');
  const download = await page.request.get(url('/account/privacy/download.json'));
  if (download.status() !== 200) throw new Error(`the download: HTTP ${download.status()}`);
  const text = await download.text();
  JSON.parse(text);
  for (const mine of ['700001', STUDENT_NAME, 'Werken met ouderen.']) {
    if (!text.includes(mine)) throw new Error(`the download lacks "${mine}"`);
  }
  await page.locator('#text_erasure').fill('Ik ga van school; verwijder mijn gegevens.');
  await submitWith(page, page.locator('form:has(input[name="kind"][value="erasure"]) button[type="submit"]'));
  if (!page.url().includes('verzonden=1')) throw new Error(`asking for erasure ended on ${page.url()}`);
  await context.close();
});

step('the admin, alerted by e-mail, erases the student: their SSO login no longer works', async (browser) => {
  const mail = await waitForMail(ADMIN, /privacy|verzoek/i, 'about the privacy request');
  if (mail.raw.includes(STUDENT_NAME)) throw new Error('the request mail names the student');
  const context = await newContext(browser);
  const page = await context.newPage();
  await passwordLogin(page, ADMIN);
  await goto(page, '/admin/privacy/verzoeken');
  await axeCheck(page, 'the privacy requests');
  await submitWith(page, page.locator('main table a[href^="/admin/privacy/verzoeken/"]').first());
  await page.locator('#decision_done').check();
  const answered = await submitWith(page, page.locator('main form button[type="submit"]').last());
  if (answered.status() !== 200) throw new Error(`answering the erasure: HTTP ${answered.status()}`);
  await context.close();

  const coordinator = await newContext(browser);
  const cp = await coordinator.newPage();
  await passwordLogin(cp, COORDINATOR);
  await goto(cp, '/stagematching/studenten');
  if ((await cp.content()).includes(STUDENT_NAME)) throw new Error('the erased student is still listed');
  await coordinator.close();

  const student = await newContext(browser);
  const sp = await student.newPage();
  await studentSsoLogin(sp);
  await goto(sp, '/stage', { expectStatus: null });
  if (pathOf(sp) === '/stage') throw new Error('the erased student can still open Mijn stage');
  await student.close();
});

step('no mail holds the report, the company or a name', async () => {
  const mails = allMails();
  if (mails.length < 5) throw new Error(`only ${mails.length} mails arrived`);
  for (const m of mails) {
    for (const secret of [CANARY, CONCERN_CANARY, 'achternaam', 'Noor Test']) {
      if (m.raw.includes(secret)) throw new Error(`the mail "${m.subject}" to ${m.to} contains "${secret}"`);
    }
  }
  const caseMails = mails.filter((m) => /melding/i.test(m.subject));
  for (const m of caseMails) {
    if (m.raw.includes(COMPANY)) throw new Error(`the mail "${m.subject}" names the company`);
  }
});

const browser = await launchBrowser();
let failed = 0;
try {
  for (const s of steps) {
    const t0 = Date.now();
    try {
      await s.fn(browser);
      console.log(`ok   ${s.name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${s.name}\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
      break; // later steps build on this one
    }
  }
} finally {
  await browser.close();
}
console.log(`golive: ${steps.length - failed} of ${steps.length} steps ${failed ? 'before a failure' : 'passed'} at ${url('/')}`);
process.exit(failed ? 1 : 0);
