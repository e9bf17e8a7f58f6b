// Shared helpers for the Stagepunt browser tests (playwright-core + Debian chromium + axe).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { totp, totpStep } from './totp.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BASE_URL = (process.env.STAGEPUNT_URL || 'http://127.0.0.1:18080').replace(/\/+$/, '');
export const DEMO_PASSWORD = process.env.STAGEPUNT_DEMO_PASSWORD || '';
export const DEMO_TOTP_SECRET = process.env.STAGEPUNT_DEMO_TOTP_SECRET || '';
export const SCREENSHOT_DIR = process.env.STAGEPUNT_SCREENSHOT_DIR || path.join(here, 'screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const WIDTHS = [360, 1280];
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

export function url(p) {
  return new URL(p, BASE_URL + '/').toString();
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}

// A fresh context (own cookie jar). Pass { javaScriptEnabled: false } for no-JS checks.
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale: 'nl-NL',
    ...options,
  });
  context.setDefaultTimeout(15000);
  context.setDefaultNavigationTimeout(20000);
  return context;
}

// Collects same-origin responses >= 400 and console errors (e.g. CSP violations)
// for a page, so tests can assert that assets loaded. Call before navigating.
export function trackProblems(page) {
  const problems = [];
  const origin = new URL(BASE_URL).origin;
  page.on('response', (res) => {
    const u = res.url();
    if (u.startsWith(origin) && res.status() >= 400 && res.request().resourceType() !== 'document' &&
        !u.endsWith('/favicon.ico')) {
      problems.push(`HTTP ${res.status()} ${res.request().resourceType()} ${u}`);
    }
  });
  page.on('requestfailed', (req) => {
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('console', (msg) => {
    // 'Failed to load resource' duplicates the response check above (and fires for favicon.ico).
    if (msg.type() === 'error' && !/^Failed to load resource/.test(msg.text())) {
      problems.push(`console error: ${msg.text()}`);
    }
  });
  return problems;
}

export async function goto(page, p, { expectStatus = 200 } = {}) {
  const res = await page.goto(url(p), { waitUntil: 'load' });
  if (!res) throw new Error(`no response for ${p}`);
  if (expectStatus !== null && res.status() !== expectStatus) {
    throw new Error(`GET ${p}: expected HTTP ${expectStatus}, got ${res.status()} (at ${page.url()})`);
  }
  return res;
}

// Submits the form containing `field` by clicking its submit button, and waits
// for the resulting navigation (works with and without JavaScript).
async function submitFormOf(page, fieldSelector) {
  const form = page.locator('form', { has: page.locator(fieldSelector) }).first();
  const button = form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first();
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ]);
}

// Remember which TOTP step was used per user: the server refuses a replayed code
// within the same 30 s step.
const usedTotpStep = new Map();
// Time spent waiting for a fresh TOTP step, reported at the end of the run.
export const totpWait = { ms: 0, logins: 0 };

async function freshTotpCode(userKey, secret) {
  for (;;) {
    const step = totpStep();
    if (usedTotpStep.get(userKey) !== step) {
      // Avoid the last second of a step: the code could expire in transit.
      const secondsLeft = 30 - ((Date.now() / 1000) % 30);
      if (secondsLeft > 1.5) {
        usedTotpStep.set(userKey, step);
        totpWait.logins++;
        return totp(secret);
      }
    }
    const wait = (30 - ((Date.now() / 1000) % 30)) * 1000 + 300;
    totpWait.ms += wait;
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * Logs in through the real forms: /login (login, password, hidden csrf) and, if
 * the server redirects there, /login/totp (code). Ends on /dashboard or throws.
 * Returns { mfa: boolean } telling whether a second factor was asked.
 */
export async function login(page, login, {
  password = DEMO_PASSWORD,
  totpSecret = DEMO_TOTP_SECRET,
  expectDashboard = true,
} = {}) {
  if (!password) throw new Error('STAGEPUNT_DEMO_PASSWORD is not set');
  await goto(page, '/login');
  const csrf = page.locator('form input[name="csrf"]');
  if ((await csrf.count()) === 0) throw new Error('login form has no hidden csrf field');
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill(password);
  await submitFormOf(page, 'input[name="password"]');

  let mfa = false;
  if (pathOf(page) === '/login/totp') {
    mfa = true;
    if (!totpSecret) throw new Error('server asks for TOTP but STAGEPUNT_DEMO_TOTP_SECRET is not set');
    for (let attempt = 0; attempt < 2 && pathOf(page) === '/login/totp'; attempt++) {
      const code = await freshTotpCode(login, totpSecret);
      await page.locator('input[name="code"]').fill(code);
      await submitFormOf(page, 'input[name="code"]');
    }
  }
  if (expectDashboard && pathOf(page) !== '/dashboard') {
    throw new Error(`login as ${login} ended on ${page.url()}, expected /dashboard`);
  }
  return { mfa };
}

// Logs out with the POST /logout form (csrf included by the server) and checks
// that /dashboard is no longer reachable.
export async function logout(page) {
  const form = page.locator('form[action$="/logout"]').first();
  if ((await form.count()) === 0) throw new Error(`no logout form (form[action="/logout"]) on ${page.url()}`);
  if ((await form.locator('input[name="csrf"]').count()) === 0) throw new Error('logout form has no csrf field');
  const method = ((await form.getAttribute('method')) || 'get').toLowerCase();
  if (method !== 'post') throw new Error(`logout form method is ${method}, expected post`);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first().click(),
  ]);
  const res = await page.goto(url('/dashboard'), { waitUntil: 'load' });
  if (pathOf(page) === '/dashboard' && res && res.status() < 400) {
    throw new Error('after logout /dashboard is still reachable');
  }
}

function formatViolations(violations) {
  const lines = [];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const node of v.nodes.slice(0, 10)) {
      lines.push(`      target: ${JSON.stringify(node.target)}`);
      const summary = (node.failureSummary || '').split('\n').map((s) => s.trim()).filter(Boolean).slice(0, 3);
      for (const s of summary) lines.push(`        ${s}`);
    }
    if (v.nodes.length > 10) lines.push(`      … ${v.nodes.length - 10} more nodes`);
  }
  return lines.join('\n');
}

// Runs axe-core with the WCAG 2.0/2.1 A+AA tags; throws listing id, impact and
// target nodes of every violation. Returns the axe results otherwise.
export async function axeCheck(page, label = pathOf(page)) {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  if (results.violations.length > 0) {
    throw new Error(`axe: ${results.violations.length} violation(s) on ${label} (${page.url()}):\n` +
      formatViolations(results.violations));
  }
  return results;
}

function safeName(s) {
  return s.replace(/^https?:\/\/[^/]+/, '').replace(/[^a-zA-Z0-9@._-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
}

// Full-page screenshot at the given width; restores the previous viewport.
export async function screenshot(page, name, width) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const before = page.viewportSize();
  await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
  const file = path.join(SCREENSHOT_DIR, `${safeName(name)}-${width}.png`);
  await page.screenshot({ path: file, fullPage: true });
  if (before) await page.setViewportSize(before);
  return file;
}

export async function htmlLang(page) {
  return (await page.getAttribute('html', 'lang')) || '';
}

// Follows the language link (hreflang="en" when the page is Dutch and the other
// way round) and checks that <html lang> changed. Returns the new language.
export async function switchLanguage(page) {
  const before = (await htmlLang(page)).slice(0, 2);
  if (before !== 'nl' && before !== 'en') throw new Error(`<html lang="${before}"> is neither nl nor en`);
  const target = before === 'nl' ? 'en' : 'nl';
  const link = page.locator(`a[hreflang="${target}"]`).first();
  if ((await link.count()) === 0) throw new Error(`no <a hreflang="${target}"> on ${page.url()} (lang=${before})`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  const after = (await htmlLang(page)).slice(0, 2);
  if (after !== target) throw new Error(`after language switch <html lang="${after}">, expected "${target}"`);
  return target;
}

// Generic sanity checks for any rendered page.
export async function basicPageChecks(page) {
  const lang = (await htmlLang(page)).slice(0, 2);
  if (lang !== 'nl' && lang !== 'en') throw new Error(`<html lang> is "${lang}"`);
  const h1 = await page.locator('h1').count();
  if (h1 < 1) throw new Error(`no <h1> on ${page.url()}`);
  const title = (await page.title()).trim();
  if (!title) throw new Error(`empty <title> on ${page.url()}`);
}

// One-stop check used by the data-driven tests: sanity, axe and screenshots at
// both widths.
export async function checkPage(page, name, { widths = WIDTHS, problems = null } = {}) {
  await basicPageChecks(page);
  const lang = (await htmlLang(page)).slice(0, 2);
  for (const w of widths) {
    await page.setViewportSize({ width: w, height: w < 600 ? 800 : 900 });
    await axeCheck(page, `${name} [${lang}, ${w}px]`);
    await screenshot(page, `${name}-${lang}`, w);
  }
  if (problems && problems.length) {
    throw new Error(`page problems on ${name}:\n  ${problems.join('\n  ')}`);
  }
}

// A phone: 360 × 740 CSS pixels, mobile viewport rules and touch (pass to newContext).
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// Fails when the page scrolls sideways at its current width (WCAG 1.4.10 reflow).
export async function assertNoHorizontalScroll(page, label = pathOf(page)) {
  const { scrollWidth, width, widest } = await page.evaluate(() => {
    const root = document.scrollingElement || document.documentElement;
    const w = window.innerWidth;
    if (root.scrollWidth <= w) return { scrollWidth: root.scrollWidth, width: w, widest: '' };
    // Name the element that sticks out furthest, to make a failure actionable.
    // Content inside a scrolling box (e.g. a table in .sp-table-wrap) does not
    // widen the page, unless it is positioned and escapes the box's clipping.
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? `#${el.id}` : '') +
      (el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '');
    const clipped = (el) => {
      const escapes = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const style = getComputedStyle(a);
        if (escapes && style.position === 'static') continue;
        if (style.overflowX !== 'visible') return true;
      }
      return false;
    };
    let widestEl = '';
    let right = w;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect().right + window.scrollX;
      if (r > right + 0.5 && !clipped(el)) {
        right = r;
        const holder = el.id ? null : el.parentElement?.closest('[id]');
        widestEl = describe(el) + (holder ? ` in ${describe(holder)}` : '');
      }
    }
    return { scrollWidth: root.scrollWidth, width: w, widest: widestEl ? `${widestEl} (right edge ${Math.round(right)} px)` : '' };
  });
  if (scrollWidth > width) {
    throw new Error(`horizontal scroll on ${label} (${page.url()}): scrollWidth ${scrollWidth} > ${width}` +
      (widest ? `; widest element: ${widest}` : ''));
  }
}

// Clicks a submit button (a locator) and waits for the page it leads to.
// Returns the navigation's response.
export async function submitWith(page, button) {
  const [res] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
  return res;
}

// The text of the success flash (role=status, .utrecht-alert--ok), or throws
// when there is none or it shows a raw message key instead of text.
export async function flashText(page, label = pathOf(page)) {
  const flash = page.locator('.utrecht-alert--ok');
  if ((await flash.count()) === 0) throw new Error(`no success message (.utrecht-alert--ok) on ${label}`);
  const text = (await flash.first().innerText()).trim();
  if (!text || /^[a-z0-9]+(_[a-z0-9]+)+$/.test(text)) {
    throw new Error(`success message on ${label} is "${text}": a missing translation key, not text`);
  }
  return text;
}

// Fails when a page that should be clean shows an error state: an error
// summary, an error message, aria-invalid="true" or an "invalid" field/fieldset.
export async function assertNoErrorState(page, label = pathOf(page)) {
  const found = await page.evaluate(() => {
    const sel = '.sp-error-summary, .utrecht-form-field-error-message, [aria-invalid="true"], ' +
      '.utrecht-form-field--invalid, .utrecht-form-fieldset--invalid';
    return Array.from(document.querySelectorAll(sel)).map((el) => {
      const id = el.id || el.closest('[id]')?.id || '';
      const cls = (typeof el.className === 'string' ? el.className.trim().split(/\s+/) : [])
        .filter((c) => /invalid|error/.test(c));
      const what = el.getAttribute('aria-invalid') === 'true' ? '[aria-invalid="true"]' : `.${cls.join('.')}`;
      const text = el.innerText.replace(/\s+/g, ' ').trim().slice(0, 60);
      return `${el.tagName.toLowerCase()}${what} in #${id}${text ? ` "${text}"` : ' (empty)'}`;
    });
  });
  if (found.length) {
    const shown = found.slice(0, 6).concat(found.length > 6 ? [`… ${found.length - 6} more`] : []);
    throw new Error(`${label} (${page.url()}) shows an error state without an error:\n      ${shown.join('\n      ')}`);
  }
}

// Collects failures of checks that need not stop a journey (axe, reflow,
// wording), so one run reports all of them; call throwIfAny() at the end.
export function softChecks() {
  const found = [];
  return {
    async check(label, fn) {
      try {
        await fn();
      } catch (e) {
        found.push(`${label}: ${String(e && e.message ? e.message : e)}`);
      }
    },
    get count() { return found.length; },
    throwIfAny() {
      if (found.length) throw new Error(`${found.length} problem(s):\n  - ${found.join('\n  - ')}`);
    },
  };
}

// Fails when the page shows a message-catalogue key (e.g. "followup_consent_give")
// instead of text: in visible text, or in aria-label, title or placeholder.
// Names the page shows as <code> (CSV column names such as leerbedrijf_id) are
// literal identifiers, not keys, and may appear in the text too.
export async function assertNoRawMessageKeys(page, label = pathOf(page)) {
  const keys = await page.evaluate(() => {
    const literal = new Set([...document.querySelectorAll('code')].map((c) => c.textContent.trim()));
    const key = /(?:^|[\s:;,.()"'])([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?=$|[\s:;,.()"'])/g;
    const found = new Set();
    const scan = (s) => { for (const m of String(s || '').matchAll(key)) found.add(m[1]); };
    scan(document.body.innerText);
    scan(document.title);
    for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
      scan(el.getAttribute('aria-label'));
      scan(el.getAttribute('title'));
      scan(el.getAttribute('placeholder'));
    }
    return [...found].filter((k) => !literal.has(k));
  });
  if (keys.length) throw new Error(`${label} (${page.url()}) shows untranslated message keys: ${keys.join(', ')}`);
}

// One page of a student's journey on the phone: sanity (blocking), then axe,
// no sideways scroll, optionally no error state, and a screenshot at 360 px
// named `${prefix}-${name}-${lang}`.
export async function phonePage(page, name, soft, problems, { clean = true, prefix = 'journey' } = {}) {
  await basicPageChecks(page);
  const lang = (await htmlLang(page)).slice(0, 2);
  await soft.check(`axe on ${name} [${lang}]`, () => axeCheck(page, `${name} [${lang}, 360px]`));
  await soft.check(`reflow on ${name} [${lang}]`, () => assertNoHorizontalScroll(page, name));
  if (clean) await soft.check(`error state on ${name} [${lang}]`, () => assertNoErrorState(page, name));
  await soft.check(`wording on ${name} [${lang}]`, () => assertNoRawMessageKeys(page, name));
  await screenshot(page, `${prefix}-${name}-${lang}`, 360);
  await soft.check(`assets on ${name}`, async () => {
    if (problems.length) throw new Error(problems.splice(0).join('; '));
  });
}

// The trimmed innerText of `locator`, which must contain `expected` (a string
// or a RegExp); throws naming `what` otherwise.
export async function expectText(locator, expected, what) {
  const text = (await locator.innerText()).trim();
  if (!(expected instanceof RegExp ? expected.test(text) : text.includes(expected))) {
    throw new Error(`${what}: expected ${expected}, got "${text.slice(0, 300)}"`);
  }
  return text;
}
