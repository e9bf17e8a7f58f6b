// The norm module in the browser (issue 6 items 4-7): the public norm page,
// the self-assessment form, the training register with its reminder, and on a
// 360 px phone the student's reading of the norm and the anonymous pulse
// survey; Dutch and English, axe-core 0 violations on every page, also on
// pages that show an error.
//
// Demo data (src/app/demo_norm.cc): the norm with four sections, a
// self-assessment for last and this school year, the teacher's training that
// expires in 20 days, and for student@99dm.demo a running internship (norm
// not yet read) and an ended one (pulse survey open).
import {
  newContext, trackProblems, goto, login, checkPage, switchLanguage, htmlLang, pathOf,
  PHONE, submitWith, flashText, softChecks, phonePage, expectText, axeCheck, screenshot,
  assertNoRawMessageKeys,
} from './lib.mjs';

const STUDENT = 'student@99dm.demo';

function isoDay(offsetDays = 0) {
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

// A date input cannot hold a malformed value in Chromium; turn it into a text
// field to send one, as a browser without date support would.
async function typeRawDate(page, selector, value) {
  await page.evaluate(([sel, v]) => {
    const el = document.querySelector(sel);
    el.type = 'text';
    el.value = v;
  }, [selector, value]);
}

export function registerNormTests(test, getBrowser) {
  const browserContext = (options = {}) => newContext(getBrowser(), options);

  test('norm: public norm page in Dutch and English', async () => {
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await goto(page, '/s/99DM/norm');
      await expectText(page.locator('main'), 'Wat is stagediscriminatie?', 'the definition section');
      await expectText(page.locator('main'), 'Wat gebeurt er daarna?', 'the next-steps section');
      if ((await page.locator('a[href="/s/99DM/melden"]').count()) !== 1) {
        throw new Error('the norm page does not link the report form');
      }
      await checkPage(page, 'norm-public', { problems });
      await switchLanguage(page);
      await expectText(page.locator('main'), 'What is internship discrimination?', 'English definition');
      await checkPage(page, 'norm-public', { problems });
      await assertNoRawMessageKeys(page, 'norm-public');
    } finally {
      await context.close();
    }
  });

  test('norm: the editor, with an error that names the field', async () => {
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, 'management@99dm.demo');
      await goto(page, '/beleid/norm');
      await checkPage(page, 'norm-edit', { problems });
      // Without the norm in English nothing is published (no new version).
      await page.locator('#norm_en').fill('');
      const bad = await submitWith(page, page.locator('main form button[type="submit"]'));
      if (bad.status() !== 400) throw new Error(`an empty norm_en gave ${bad.status()}, expected 400`);
      if ((await page.locator('a[href="#norm_en"]').count()) === 0) throw new Error('no error link to #norm_en');
      await axeCheck(page, 'norm editor with an error');
      await screenshot(page, 'norm-edit-error-nl', 360);
    } finally {
      await context.close();
    }
  });

  test('norm: self-assessment form with an error, then saved', async () => {
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, 'management@99dm.demo');
      await goto(page, '/zelfevaluatie');
      await expectText(page.locator('#assessment-score'), /%/, 'the score');
      await checkPage(page, 'assessment', { problems });
      const form = page.locator('#task_5 form');
      await form.locator('select[name="status"]').selectOption('in_progress');
      await form.locator('textarea[name="evidence"]').fill('Gesprek met de kopgroep gepland (e2e).');
      await typeRawDate(page, '#date-task_5', '31-12-2020');
      const bad = await submitWith(page, form.locator('button[type="submit"]'));
      if (bad.status() !== 400) throw new Error(`a malformed date gave ${bad.status()}, expected 400`);
      if ((await page.locator('a[href="#date-task_5"]').count()) === 0) {
        throw new Error('the error summary does not link the date field');
      }
      await axeCheck(page, 'assessment with an error');
      await screenshot(page, 'assessment-error-nl', 360);
      const again = page.locator('#task_5 form');
      await again.locator('input[name="date"]').fill(isoDay(0));
      await submitWith(page, again.locator('button[type="submit"]'));
      await flashText(page, 'assessment saved');
      const evidence = await page.locator('#evidence-task_5').inputValue();
      if (!evidence.includes('kopgroep')) throw new Error(`saved evidence is "${evidence}"`);
      await switchLanguage(page);
      await checkPage(page, 'assessment', { problems, widths: [1280] });
    } finally {
      await context.close();
    }
  });

  test('norm: training register and the reminder on the dashboard', async () => {
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, 'admin@99dm.demo');
      await goto(page, '/trainingen');
      await expectText(page.locator('main table'), 'Verloopt binnenkort', 'the expiring training');
      await checkPage(page, 'training', { problems });
      // No staff member chosen: refused, naming the field.
      await page.locator('#expires_on').fill(isoDay(730));
      const bad = await submitWith(page, page.locator('main form button[type="submit"]'));
      if (bad.status() !== 400) throw new Error(`no staff member gave ${bad.status()}, expected 400`);
      if ((await page.locator('a[href="#user"]').count()) === 0) throw new Error('no error link to #user');
      await axeCheck(page, 'training with an error');
      await page.locator('#user').selectOption({ label: 'Kees Visser (demo)' });
      await page.locator('#expires_on').fill(isoDay(730));
      await submitWith(page, page.locator('main form button[type="submit"]'));
      await flashText(page, 'training recorded');
      await switchLanguage(page);
      await checkPage(page, 'training', { problems, widths: [1280] });
    } finally {
      await context.close();
    }
    const teacherContext = await browserContext();
    try {
      const page = await teacherContext.newPage();
      await login(page, 'teacher@99dm.demo');
      await expectText(page.locator('main'), 'verloopt binnen 30 dagen', 'the training reminder');
      await goto(page, '/mijn-training');
      await checkPage(page, 'training-mine', { widths: [360] });
    } finally {
      await teacherContext.close();
    }
  });

  test('norm: student reads the norm and answers the pulse survey on a phone', async () => {
    const soft = softChecks();
    const context = await browserContext(PHONE);
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, STUDENT);
      await goto(page, '/stage');
      await expectText(page.locator('#norm'), 'Lees eerst de norm', 'the norm to read');
      await phonePage(page, 'stage-norm', soft, problems, { prefix: 'norm' });
      await page.locator('#norm-agree').check();
      await submitWith(page, page.locator('#norm button[type="submit"]'));
      await flashText(page, 'norm read');
      await expectText(page.locator('#norm'), 'gelezen op', 'the acknowledgement');

      await submitWith(page, page.locator('a[href^="/stage/peiling/"]').first());
      if (!pathOf(page).startsWith('/stage/peiling/')) throw new Error(`the survey link led to ${page.url()}`);
      await phonePage(page, 'pulse', soft, problems, { prefix: 'norm' });
      await switchLanguage(page);
      await phonePage(page, 'pulse', soft, problems, { prefix: 'norm' });
      await switchLanguage(page);
      // "Yes" without saying whether it was reported: refused on that question.
      await page.locator('#experienced_yes').check();
      const bad = await submitWith(page, page.locator('main form button[type="submit"]'));
      if (bad.status() !== 400) throw new Error(`a half answer gave ${bad.status()}, expected 400`);
      if ((await page.locator('a[href="#reported"]').count()) === 0) throw new Error('no error link to #reported');
      await phonePage(page, 'pulse-error', soft, problems, { prefix: 'norm', clean: false });
      await page.locator('#reported_no').check();
      await page.locator('#reason_no_trust').check();
      await page.locator('#reason_fear_consequences').check();
      await submitWith(page, page.locator('main form button[type="submit"]'));
      if (pathOf(page) !== '/stage') throw new Error(`after answering: ${page.url()}`);
      await expectText(page.locator('main'), 'anoniem', 'the thank-you');
      if ((await page.locator('a[href^="/stage/peiling/"]').count()) !== 0) {
        throw new Error('the survey is still offered after answering');
      }
      await switchLanguage(page);
      if ((await htmlLang(page)).slice(0, 2) !== 'en') throw new Error('not English');
      await phonePage(page, 'stage-after', soft, problems, { prefix: 'norm' });
    } finally {
      await context.close();
    }
    soft.throwIfAny();
  });
}
