// Stagematching journey (issue 5, "Browser tests"): the leerwens on a phone,
// review by the coordinator, and publication to student and company, with
// axe-core reporting 0 violations on every page on the way.
//
// The story, on fresh demo data (src/app/demo_placement.cc):
//  1. The coordinator checks the overview, uploads a bad CSV (a report per
//     line, nothing applied), then updates the register: a third care company
//     (crebo 25480, the demo student's) with places in "BPV-periode B (demo)",
//     and records its paper acceptance of the norm. Flags and norm pages.
//  2. The coordinator closes and runs "Demo-ronde B (leerwens open)" (DA),
//     reviews it (rank distribution, DA beside optimal, explanations), tries
//     an override without a reason (refused, naming the field), saves one with
//     a reason, and publishes. Round B starts in 8 weeks with 14 days' lead
//     time, so nobody sees it yet. The demo student entered no leerwens there,
//     so they are unplaced.
//  3. The coordinator creates a second round of B through the new-round form
//     (its students are B's unplaced ones; it starts within the lead time, so
//     its publication is visible at once) and opens it.
//  4. The demo student, on a 360 px phone, enters the leerwens for that round
//     and ranks three places with the "Hoger"/"Lager" buttons (keyboard) and
//     by dragging;
//  5. and changes the order without JavaScript, with the rank selects.
//  6. The coordinator runs the second round; the company contact (of
//     Zorgcentrum De Linde, the student's first choice) sees no student of
//     these rounds; the coordinator publishes; the student sees the placement
//     with its explanation and the company sees who comes.
//
// Each step runs once; a test that needs an earlier step (when run alone
// with a name filter) runs it first. Checks that need not stop the journey
// (axe, reflow, error states, wording) are collected and reported per test.
import {
  newContext, trackProblems, goto, login, logout, axeCheck, switchLanguage, htmlLang, pathOf,
  screenshot, basicPageChecks, PHONE, submitWith, flashText, assertNoErrorState, softChecks,
  assertNoRawMessageKeys, phonePage, expectText, assertNoHorizontalScroll, url,
} from './lib.mjs';

const COORDINATOR = 'coordinator@99dm.demo';
const STUDENT = 'student@99dm.demo';
const COMPANY = 'company@99dm.demo';
const ROUND_B = 'Demo-ronde B (leerwens open)';
const PERIOD_B = 'BPV-periode B (demo)';
const STUDENT_NAME = 'Sanne de Vries (demo)'; // the demo student's record
// The three care places (crebo 25480) the demo student ranks; the company
// contact company@99dm.demo belongs to De Linde.
const DE_LINDE = 'Zorgcentrum De Linde (demo)';
const ZONNESTRAAL = 'Kinderopvang Zonnestraal (demo)';
const DE_BRUG = 'Thuiszorg De Brug (e2e)';
const SUPPORT = 'Ik werk het best met vaste werktijden (e2e).';

// A bad places file: negative capacity, unknown leerbedrijf, malformed crebo
// on lines 2-4; line 5 is fine but must not be applied either.
const BAD_PLACES_CSV = [
  'leerbedrijf_id,crebo,capacity,period,description',
  `100001,25655,-1,${PERIOD_B},Negatieve capaciteit`,
  `999999,25480,2,${PERIOD_B},Onbekend leerbedrijf`,
  `100002,2532,2,${PERIOD_B},Crebo met vier cijfers`,
  `100003,25480,1,${PERIOD_B},Goede regel in een fout bestand`,
].join('\n') + '\n';
const NEW_COMPANY_CSV = [
  'leerbedrijf_id,kvk,name,address,postcode,city,lat,lon,crebos',
  `100009,90000009,${DE_BRUG},Brugstraat 4,3521 AB,Utrecht,52.0800,5.1050,25480`,
].join('\n') + '\n';
// Room for round B and its second round: the two demo care places grow from
// 3 to 6, and De Brug offers 3.
const NEW_PLACES_CSV = [
  'leerbedrijf_id,crebo,capacity,period,description',
  `100003,25480,6,${PERIOD_B},Verzorging op een woongroep voor ouderen`,
  `100007,25480,6,${PERIOD_B},Begeleiden van groepen kinderen`,
  `100009,25480,3,${PERIOD_B},Meehelpen in de wijkzorg`,
].join('\n') + '\n';

function isoDay(offsetDays = 0) {
  // The server's calendar is UTC (domain::DateFromMillis).
  return new Date(Date.now() + offsetDays * 86400000).toISOString().slice(0, 10);
}

// What the steps leave for the later ones.
const state = {
  roundB: { id: '', students: [] },    // students: { name, number } of every student in round B
  second: { id: '', name: '' },
  rankedNoJs: [],                      // company names in the order saved last
};

// Runs `fn` once; later callers share its outcome. A step resolves to its
// soft checks (reported by the test that owns the step, not by dependants).
function step(name, fn) {
  let running = null;
  return () => {
    running ||= fn().catch((e) => {
      throw new Error(`${name}: ${e && e.message ? e.message : e}`);
    });
    return running;
  };
}

// A staff (desktop) page: sanity; axe in the page's language and, when asked,
// in English too (1280 px); error state, wording, assets; screenshots. With
// 360 in `widths`, axe, the reflow check and a screenshot at 360 px as well
// (the page's own language only, to keep the suite fast).
async function staffPage(page, name, soft, problems, { clean = true, english = false, widths = [1280] } = {}) {
  await basicPageChecks(page);
  const check = async (first) => {
    const lang = (await htmlLang(page)).slice(0, 2);
    await soft.check(`axe on ${name} [${lang}]`, () => axeCheck(page, `${name} [${lang}]`));
    if (clean) await soft.check(`error state on ${name} [${lang}]`, () => assertNoErrorState(page, name));
    await soft.check(`wording on ${name} [${lang}]`, () => assertNoRawMessageKeys(page, name));
    for (const w of widths) {
      if (first && w < 600) {
        await page.setViewportSize({ width: w, height: 800 });
        await soft.check(`axe on ${name} [${lang}, ${w}px]`, () => axeCheck(page, `${name} [${lang}, ${w}px]`));
        await soft.check(`reflow on ${name} [${lang}, ${w}px]`, () => assertNoHorizontalScroll(page, name));
        await page.setViewportSize({ width: 1280, height: 900 });
      }
      if (first || w >= 600) await screenshot(page, `stagematching-${name}-${lang}`, w);
    }
  };
  await check(true);
  if (english) {
    await switchLanguage(page);
    await check(false);
    await switchLanguage(page);
  }
  await soft.check(`assets on ${name}`, async () => {
    if (problems.length) throw new Error(problems.splice(0).join('; '));
  });
}

async function text(locator) {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

// The <dd> after the <dt> whose text is `label` in the first .sp-facts list.
async function fact(page, label) {
  return page.evaluate((l) => {
    for (const dt of document.querySelectorAll('dl.sp-facts dt')) {
      if (dt.textContent.trim() === l) return (dt.nextElementSibling?.textContent || '').replace(/\s+/g, ' ').trim();
    }
    return null;
  }, label);
}

// Uploads `csv` as `kind` on /stagematching/import; returns the response.
async function upload(page, kind, fileName, csv) {
  await page.locator(`#kind_${kind}`).check();
  await page.locator('#file').setInputFiles({ name: fileName, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
  return submitWith(page, page.locator('form[action="/stagematching/import"] button[type="submit"]'));
}

// The rows of the proposal table on a (Dutch) review page, by column header.
async function proposalRows(page) {
  return page.locator('#proposal').evaluate((table) => {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    const column = (re) => {
      const i = heads.findIndex((h) => re.test(h));
      if (i < 1) throw new Error(`#proposal has no column ${re} (${heads.join(', ')})`);
      return i;
    };
    const at = { place: column(/^Plek/), rank: column(/^Keuze/), explanation: column(/^Uitleg/), override: column(/^Wijziging/) };
    return [...table.querySelectorAll('tbody tr')].map((tr) => {
      const cells = [...tr.children].map((c) => c.innerText.replace(/\s+/g, ' ').trim());
      const link = tr.children[0].querySelector('a');
      const number = (tr.children[0].innerText.split('\n').slice(1).join(' ').split('·')[0] || '').trim();
      return {
        name: link ? link.textContent.trim() : '',
        href: link ? link.getAttribute('href') : '',
        number,
        place: cells[at.place] || '',
        rank: cells[at.rank] || '',
        explanation: cells[at.explanation] || '',
        override: cells[at.override] || '',
      };
    });
  });
}

async function roundAction(page, action) {
  const button = page.locator(`form[action$="/${action}"] button[type="submit"]`);
  if ((await button.count()) !== 1) {
    throw new Error(`round page ${pathOf(page)} (status "${await text(page.locator('#round-status'))}") ` +
      `has no form for /${action}`);
  }
  return submitWith(page, button);
}

async function expectStatus(res, expected, what, page) {
  if (!res || res.status() !== expected) {
    const summary = await page.locator('.sp-error-summary').innerText().catch(() => '');
    throw new Error(`${what}: HTTP ${res && res.status()}, expected ${expected} (at ${page.url()})` +
      (summary ? `\n      ${summary.replace(/\s+/g, ' ')}` : ''));
  }
}

export function registerStagematchingTests(test, getBrowser) {
  const browserContext = (options = {}) => newContext(getBrowser(), options);

  // ---- 1. Overview, imports, companies, flags, norm --------------------------
  const register = step('coordinator register', async () => {
    const soft = softChecks();
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, COORDINATOR);
      await goto(page, '/stagematching');
      const roundLink = page.locator('a[href^="/stagematching/rondes/"]', { hasText: ROUND_B });
      if ((await roundLink.count()) !== 1) throw new Error(`"${ROUND_B}" is not listed on /stagematching`);
      state.roundB.id = (await roundLink.getAttribute('href')).split('/').pop();
      await staffPage(page, 'overview', soft, problems, { english: true });

      // A bad file: a report per line, and nothing applied.
      await submitWith(page, page.locator('main a[href="/stagematching/import"]').first());
      if (pathOf(page) !== '/stagematching/import') throw new Error(`the import card led to ${page.url()}`);
      const bad = await upload(page, 'places', 'plaatsen-fout.csv', BAD_PLACES_CSV);
      await expectStatus(bad, 400, 'a bad places file', page);
      await expectText(page.locator('#import-result'), /niet/i, 'import result of a bad file');
      const errors = await page.locator('#import-errors tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        line: tr.querySelector('th').textContent.trim(),
        column: tr.querySelectorAll('td')[0].textContent.trim(),
        message: tr.querySelectorAll('td')[1].textContent.trim(),
      })));
      const expected = { 2: 'capacity', 3: 'leerbedrijf_id', 4: 'crebo' };
      for (const [line, column] of Object.entries(expected)) {
        if (!errors.some((e) => e.line === line && e.column === column && e.message)) {
          throw new Error(`no error for line ${line} (${column}) in #import-errors: ${JSON.stringify(errors)}`);
        }
      }
      if (errors.some((e) => e.line === '5')) throw new Error(`line 5 is fine but has an error: ${JSON.stringify(errors)}`);
      // The page is Dutch; a message in another language must say so (WCAG 3.1.2, language of parts).
      await soft.check('language of the per-line import errors [nl]', async () => {
        const english = await page.locator('#import-errors tbody tr td:last-child').evaluateAll((tds) => tds
          .filter((td) => /\b(the|not|below|is not|appears|twice|must)\b/i.test(td.textContent) && !td.closest('[lang^="en"]'))
          .map((td) => `"${td.textContent.trim()}"`));
        if (english.length) {
          throw new Error(`/stagematching/import (lang="nl") shows per-line errors in English without lang="en": ${english.join('; ')}`);
        }
      });
      // The error summary points at the table of errors.
      await soft.check('import error summary', async () => {
        const summaryLink = page.locator('.sp-error-summary a[href="#import-errors"]');
        if ((await summaryLink.count()) !== 1) throw new Error('the error summary does not link to #import-errors');
      });
      await staffPage(page, 'import-bad-csv', soft, problems, { clean: false, widths: [360, 1280] });
      // Nothing half-imported: line 5 (De Linde, capacity 1) is not applied either.
      await goto(page, `/stagematching/plaatsen?periode=${encodeURIComponent(PERIOD_B)}`);
      const deLinde = page.locator('tbody tr', { has: page.locator('th', { hasText: DE_LINDE }) });
      if ((await deLinde.count()) !== 1) throw new Error(`${DE_LINDE} (${PERIOD_B}) is not on /stagematching/plaatsen`);
      const capacity = await text(deLinde.locator('td').nth(2));
      if (capacity !== '3') throw new Error(`after the rejected file ${DE_LINDE} has capacity ${capacity}, expected 3 (the demo value)`);
      await staffPage(page, 'places', soft, problems);
      await goto(page, '/stagematching/import');

      // The register update: a new company, then its places (and more room at two others).
      const companies = await upload(page, 'companies', 'bedrijven.csv', NEW_COMPANY_CSV);
      await expectStatus(companies, 200, 'importing a company', page);
      await expectText(page.locator('#import-inserted'), '1', 'companies inserted');
      const places = await upload(page, 'places', 'plaatsen.csv', NEW_PLACES_CSV);
      await expectStatus(places, 200, 'importing places', page);
      await expectText(page.locator('#import-inserted'), '1', 'places inserted');
      await expectText(page.locator('#import-updated'), '2', 'places updated');
      await screenshot(page, 'stagematching-import-applied-nl', 1280);

      // The new company has not accepted the norm: record its paper acceptance.
      await goto(page, '/stagematching/bedrijven');
      const row = page.locator('tbody tr', { has: page.locator('th', { hasText: DE_BRUG }) });
      if ((await row.count()) !== 1) throw new Error(`${DE_BRUG} is not on /stagematching/bedrijven`);
      await staffPage(page, 'companies', soft, problems);
      await submitWith(page, row.locator('form[action$="/norm"] button[type="submit"]'));
      if (pathOf(page) !== '/stagematching/bedrijven') throw new Error(`recording the acceptance led to ${page.url()}`);
      await soft.check('flash after recording the acceptance', () => flashText(page));
      if ((await row.locator('form[action$="/norm"]').count()) !== 0) {
        throw new Error(`${DE_BRUG} still offers "record paper acceptance" after recording it`);
      }

      // Flags (the demo refusal) and the norm.
      await goto(page, '/stagematching/signalen');
      await expectText(page.locator('main'), 'Hotel Stadszicht', 'the demo refusal on the flags page');
      await staffPage(page, 'flags', soft, problems);
      await goto(page, '/stagematching/norm');
      await expectText(page.locator('#norm-version'), '1', 'norm version');
      await staffPage(page, 'norm', soft, problems);
    } finally {
      await context.close();
    }
    return soft;
  });

  // ---- 2. Round B: close, run, review, override, publish --------------------
  const reviewB = step('review and publication of round B', async () => {
    await register();
    const soft = softChecks();
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, COORDINATOR);
      const base = `/stagematching/rondes/${state.roundB.id}`;
      await goto(page, base);
      await expectText(page.locator('#round-status'), 'Open', 'status of round B');
      await staffPage(page, 'round', soft, problems);

      await roundAction(page, 'sluiten');
      await expectText(page.locator('#round-status'), 'Gesloten', 'status after closing');
      await soft.check('flash after closing', () => flashText(page));
      if (!(await page.locator('#algorithm_da').isChecked())) throw new Error('DA is not the default algorithm');
      await roundAction(page, 'draaien');
      if (pathOf(page) !== `${base}/voorstel`) throw new Error(`running led to ${page.url()}, expected the review`);
      await soft.check('flash after running', () => flashText(page));

      // The review: the engines side by side, the distribution, explanations.
      const heads = await page.locator('#runs thead th').allInnerTexts();
      if (!heads.some((h) => /^DA/.test(h.trim())) || !heads.some((h) => /^Optimaal/.test(h.trim()))) {
        throw new Error(`#runs compares ${JSON.stringify(heads)}, expected DA beside Optimaal`);
      }
      await expectText(page.locator('#cost-of-stability'), /stabiliteit/i, 'cost of stability');
      const students = Number(await text(page.locator('#review-students')));
      const dist = await page.locator('#distribution tbody tr').evaluateAll((trs) => trs.map((tr) => ({
        label: tr.querySelector('th').textContent.trim(),
        count: Number(tr.querySelector('td').textContent.trim()),
      })));
      if (!dist.some((d) => d.label === '1e keus') || !dist.some((d) => d.label === 'Geen plek')) {
        throw new Error(`#distribution rows ${JSON.stringify(dist)}, expected "1e keus" … "Geen plek"`);
      }
      const total = dist.reduce((n, d) => n + d.count, 0);
      if (!(students > 0) || total !== students) {
        throw new Error(`#distribution adds up to ${total}, the round has ${students} students`);
      }
      const rows = await proposalRows(page);
      if (rows.length !== students) throw new Error(`#proposal has ${rows.length} rows for ${students} students`);
      const empty = rows.filter((r) => !r.explanation);
      if (empty.length) throw new Error(`no explanation for ${empty.map((r) => r.name).join(', ')}`);
      state.roundB.students = rows.map((r) => ({ name: r.name, number: r.number }));
      const demo = rows.find((r) => r.name === STUDENT_NAME);
      if (!demo) throw new Error(`${STUDENT_NAME} is not in round B`);
      if (demo.place !== 'Geen plek' || !/geen plaatsen gekozen/.test(demo.explanation)) {
        throw new Error(`${STUDENT_NAME} (no leerwens) shows "${demo.place}" / "${demo.explanation}"`);
      }
      await staffPage(page, 'review', soft, problems, { english: true, widths: [360, 1280] });

      // A manual override: refused without a reason, saved with one.
      const target = rows.find((r) => r.place !== 'Geen plek' && r.rank !== '1e keus') ||
        rows.find((r) => r.place !== 'Geen plek');
      if (!target) throw new Error('round B placed nobody');
      await submitWith(page, page.locator(`#proposal a[href="${target.href}"]`).first());
      const studentPath = pathOf(page);
      await expectText(page.locator('h1'), target.name, 'the student page of the override');
      const options = await page.locator('#place_id option').evaluateAll((os) => os.map((o) => ({ value: o.value, selected: o.selected })));
      const other = options.find((o) => o.value && !o.selected) || options.find((o) => !o.selected);
      if (!other) throw new Error(`#place_id offers nothing else than the current place: ${JSON.stringify(options)}`);
      await page.locator('#place_id').selectOption(other.value);
      await page.locator('#reason').fill('');
      const refused = await submitWith(page, page.locator('form[action$="/wijzigen"] button[type="submit"]'));
      await expectStatus(refused, 400, 'an override without a reason', page);
      if ((await page.locator('.sp-error-summary a[href="#reason"]').count()) !== 1) {
        throw new Error(`the error summary does not link to #reason: "${await text(page.locator('.sp-error-summary'))}"`);
      }
      await expectText(page.locator('#reason-error'), /reden/i, 'the error beside the reason');
      if ((await page.locator('#reason').getAttribute('aria-invalid')) !== 'true') throw new Error('#reason is not aria-invalid');
      if ((await page.locator('#place_id').inputValue()) !== other.value) throw new Error('the refused override lost the chosen place');
      await staffPage(page, 'override-no-reason', soft, problems, { clean: false });
      const reason = 'Afgesproken met de student en de stagebegeleider (e2e).';
      await page.locator('#reason').fill(reason);
      await submitWith(page, page.locator('form[action$="/wijzigen"] button[type="submit"]'));
      if (pathOf(page) !== `${base}/voorstel`) throw new Error(`saving the override led to ${page.url()} (from ${studentPath})`);
      await soft.check('flash after the override', () => flashText(page));
      await expectText(page.locator('#review-overridden'), '1', 'overridden count');
      const after = (await proposalRows(page)).find((r) => r.name === target.name);
      if (!after || !after.override.includes(reason)) {
        throw new Error(`the review does not show the override and its reason for ${target.name}: ${JSON.stringify(after)}`);
      }

      // Publish; round B starts in 8 weeks with 14 days' lead: visible later.
      await goto(page, base);
      await roundAction(page, 'publiceren');
      await expectText(page.locator('#round-status'), 'Gepubliceerd', 'status after publishing');
      await soft.check('flash after publishing', () => flashText(page));
      const visible = await fact(page, 'Zichtbaar vanaf');
      if (!visible || !(visible > isoDay(0))) {
        throw new Error(`round B is visible from "${visible}", expected a day after today (start minus lead time)`);
      }
      await staffPage(page, 'round-published', soft, problems);
    } finally {
      await context.close();
    }
    return soft;
  });

  // ---- 3. A second round through the new-round form -------------------------
  const secondRound = step('second round', async () => {
    await reviewB();
    const soft = softChecks();
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, COORDINATOR);
      await goto(page, '/stagematching');
      await submitWith(page, page.locator('main a[href="/stagematching/rondes/nieuw"]'));
      await staffPage(page, 'round-new', soft, problems);
      const form = page.locator('form[action="/stagematching/rondes/nieuw"]');

      // Nothing filled in: the dates are refused, each by name.
      await page.locator('#name').fill('');
      const empty = await submitWith(page, form.locator('button[type="submit"]'));
      await expectStatus(empty, 400, 'an empty new-round form', page);
      for (const id of ['leerwens_deadline', 'start', 'end_planned']) {
        if ((await page.locator(`.sp-error-summary a[href="#${id}"]`).count()) !== 1) {
          throw new Error(`the error summary has no link to #${id}: "${await text(page.locator('.sp-error-summary'))}"`);
        }
        if ((await page.locator(`#${id}`).getAttribute('aria-invalid')) !== 'true') throw new Error(`#${id} is not aria-invalid`);
      }
      await staffPage(page, 'round-new-errors', soft, problems, { clean: false });

      state.second.name = `Herkansing ronde B (e2e ${Date.now().toString(36)})`;
      await page.locator('#name').fill(state.second.name);
      const previous = page.locator('#previous_round_id option', { hasText: ROUND_B });
      await page.locator('#previous_round_id').selectOption(await previous.getAttribute('value'));
      // Cohort, period and crebos come from round B.
      await page.locator('#leerwens_deadline').fill(isoDay(0));
      await page.locator('#start').fill(isoDay(7));
      await page.locator('#end_planned').fill(isoDay(120));
      await page.locator('#hours').fill('400');
      await page.locator('#publish_lead_days').fill('14');
      await page.locator('#seed').fill('4242');
      const created = await submitWith(page, form.locator('button[type="submit"]'));
      await expectStatus(created, 200, 'creating the second round', page);
      if (!/^\/stagematching\/rondes\/[^/]+$/.test(pathOf(page)) || pathOf(page).endsWith('/nieuw')) {
        throw new Error(`creating the round led to ${page.url()}`);
      }
      state.second.id = pathOf(page).split('/').pop();
      await expectText(page.locator('h1'), state.second.name, 'new round heading');
      await expectText(page.locator('#round-status'), 'Concept', 'status of the new round');
      await soft.check('flash after creating', () => flashText(page));
      if ((await fact(page, 'Periode')) !== PERIOD_B) throw new Error(`the second round's period is "${await fact(page, 'Periode')}"`);

      await roundAction(page, 'openen');
      await expectText(page.locator('#round-status'), 'Open', 'status after opening');
      const enrolled = Number(await text(page.locator('#round-students')));
      if (!(enrolled > 0)) throw new Error(`the second round enrolled ${enrolled} students`);
      await screenshot(page, 'stagematching-round-open-nl', 1280);
    } finally {
      await context.close();
    }
    return soft;
  });

  // ---- 4. The leerwens on a phone, with JavaScript ---------------------------
  const leerwensPhone = step('leerwens on a phone', async () => {
    await secondRound();
    const soft = softChecks();
    const context = await browserContext(PHONE);
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, STUDENT);
      const startLang = (await htmlLang(page)).slice(0, 2);
      await goto(page, '/stage');
      const section = page.locator(`section[aria-labelledby="round-${state.second.id}"]`);
      await expectText(section, 'Je hebt nog niets ingevuld', 'the open round before the leerwens');
      // Round B is published but not visible yet: the student waits.
      await expectText(page.locator(`section[aria-labelledby="round-${state.roundB.id}"]`), 'aan het matchen', 'round B before it is visible');
      await phonePage(page, 'stage', soft, problems, { prefix: 'stagematching' });
      await submitWith(page, section.locator(`a[href="/stage/rondes/${state.second.id}"]`));
      if (pathOf(page) !== `/stage/rondes/${state.second.id}`) throw new Error(`"Leerwens invullen" led to ${page.url()}`);
      await phonePage(page, 'leerwens', soft, problems, { prefix: 'stagematching' });
      await switchLanguage(page);
      await phonePage(page, 'leerwens', soft, problems, { prefix: 'stagematching' });
      await switchLanguage(page);

      // What they want; a short walk fits nothing, so they widen it and refresh.
      await page.locator('#what_to_learn').fill('Zorgen voor mensen en goed overleggen in een team (e2e).');
      await page.locator('#company_type').fill('Een zorginstelling');
      await page.locator('#work_type').fill('Verzorgen en begeleiden');
      await page.locator('#support_needs').fill(SUPPORT);
      await page.locator('#share_support').check();
      await page.locator('#transport_walk').check();
      await page.locator('#max_travel_minutes').selectOption('15');
      await submitWith(page, page.locator('button[name="action"][value="refresh"]'));
      const walkable = await page.locator('li.sp-rank-item').count();
      if (walkable >= 3) throw new Error(`a 15-minute walk still fits ${walkable} places; the refresh did not narrow the list`);
      if ((await page.locator('#what_to_learn').inputValue()).indexOf('(e2e)') < 0) throw new Error('the refresh lost what was typed');
      await page.locator('#transport_public_transport').check();
      await page.locator('#max_travel_minutes').selectOption('60');
      await submitWith(page, page.locator('button[name="action"][value="refresh"]'));
      const item = (name) => page.locator('li.sp-rank-item', { has: page.locator('.sp-rank-place strong', { hasText: name }) });
      for (const name of [DE_LINDE, ZONNESTRAAL, DE_BRUG]) {
        if ((await item(name).count()) !== 1) {
          throw new Error(`${name} is not among the fitting places: ${await text(page.locator('ol.sp-rank-list'))}`);
        }
      }
      if (!(await page.locator('#share_support').isChecked())) throw new Error('the refresh lost "share support"');

      // Rank with the keyboard: "Hoger"/"Lager" buttons, Enter and Space.
      const press = async (name, direction, key) => {
        const button = item(name).getByRole('button', { name: `${direction}: ${name}`, exact: true });
        await button.focus();
        await page.keyboard.press(key);
        // The button keeps the focus, so the next key press moves the same place again.
        const focused = await button.evaluate((b) => document.activeElement === b);
        if (!focused) throw new Error(`after "${direction}" on ${name} the focus left the button`);
      };
      await press(DE_BRUG, 'Hoger', 'Enter');        // De Brug 1
      await press(ZONNESTRAAL, 'Hoger', 'Space');    // De Brug 1, Zonnestraal 2
      await press(DE_LINDE, 'Lager', 'Enter');       // …, De Linde 3
      await press(DE_LINDE, 'Hoger', 'Enter');       // De Brug 1, De Linde 2, Zonnestraal 3
      await press(DE_LINDE, 'Hoger', 'Enter');       // De Linde 1, De Brug 2, Zonnestraal 3
      await press(DE_BRUG, 'Lager', 'Space');        // De Linde 1, Zonnestraal 2, De Brug 3
      const expectRanks = async (wanted, how) => {
        const ranks = await Promise.all(wanted.map((n) => item(n).locator('select.sp-rank-select').inputValue()));
        if (ranks.join(',') !== '1,2,3') throw new Error(`rank selects after ${how}: ${wanted.map((n, i) => `${n}=${ranks[i]}`).join(', ')}`);
        const order = await page.locator('li.sp-rank-item .sp-rank-place strong').allInnerTexts();
        if (order.slice(0, 3).join('|') !== wanted.join('|')) throw new Error(`list order after ${how}: ${order.join(', ')}`);
      };
      await expectRanks([DE_LINDE, ZONNESTRAAL, DE_BRUG], 'the buttons');
      await soft.check('the move is announced', async () => {
        const said = await text(page.locator('ol.sp-rank-list + [role="status"]'));
        if (!said.includes(DE_BRUG) || !said.includes('3')) throw new Error(`status region says "${said}"`);
      });
      // Drag: De Brug onto the top half of Zonnestraal (both in view, so the
      // drag needs no scrolling).
      await item(ZONNESTRAAL).evaluate((li) => li.scrollIntoView({ block: 'start' }));
      const from = await item(DE_BRUG).boundingBox();
      const to = await item(ZONNESTRAAL).boundingBox();
      await page.mouse.move(from.x + 8, from.y + 8);
      await page.mouse.down();
      await page.mouse.move(to.x + 8, to.y + 8, { steps: 4 });
      await page.mouse.up();
      const wanted = [DE_LINDE, DE_BRUG, ZONNESTRAAL];
      await expectRanks(wanted, 'dragging');
      // The list with three places chosen and the moves made (axe, reflow, screenshot).
      await phonePage(page, 'leerwens-ranked', soft, problems, { prefix: 'stagematching' });

      await submitWith(page, page.locator('button[name="action"][value="save"]'));
      if (pathOf(page) !== '/stage') throw new Error(`saving the leerwens led to ${page.url()}`);
      await soft.check('flash after saving', () => flashText(page));
      await expectText(section, 'Aantal keuzes opgeslagen: 3', 'the saved count on /stage');
      await phonePage(page, 'stage-saved', soft, problems, { prefix: 'stagematching' });
      await switchLanguage(page);
      await expectText(section, /: 3\b/, 'the saved count on /stage (en)');
      await phonePage(page, 'stage-saved', soft, problems, { prefix: 'stagematching' });
      await switchLanguage(page);

      // Saved in that order.
      await goto(page, `/stage/rondes/${state.second.id}`);
      const saved = await page.locator('li.sp-rank-item .sp-rank-place strong').allInnerTexts();
      if (saved.slice(0, 3).join('|') !== wanted.join('|')) throw new Error(`saved order: ${saved.join(', ')}`);
      if ((await htmlLang(page)).slice(0, 2) !== startLang) await switchLanguage(page);
      await logout(page);
    } finally {
      await context.close();
    }
    return soft;
  });

  // ---- 5. The leerwens without JavaScript: the rank selects -----------------
  const leerwensNoJs = step('leerwens without JavaScript', async () => {
    await leerwensPhone();
    const soft = softChecks();
    const context = await browserContext({ ...PHONE, javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await login(page, STUDENT);
      await goto(page, `/stage/rondes/${state.second.id}`);
      if ((await page.locator('.sp-rank-moves button').count()) !== 0) throw new Error('"Hoger"/"Lager" buttons without JavaScript');
      if ((await page.locator('#what_to_learn').inputValue()).indexOf('(e2e)') < 0) throw new Error('the saved leerwens is not filled in');
      const select = (name) => page.locator('li.sp-rank-item', { has: page.locator('.sp-rank-place strong', { hasText: name }) })
        .locator('select.sp-rank-select');

      // The same number twice is refused beside the second place.
      await select(DE_LINDE).selectOption('1');
      await select(ZONNESTRAAL).selectOption('1');
      await select(DE_BRUG).selectOption('2');
      const twice = await submitWith(page, page.locator('button[name="action"][value="save"]'));
      await expectStatus(twice, 400, 'the same rank twice', page);
      const errorIds = await page.locator('.sp-error-summary a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
      if (errorIds.length !== 1 || !/^#rank_/.test(errorIds[0])) throw new Error(`error summary links ${JSON.stringify(errorIds)}, expected one #rank_…`);
      const errorId = errorIds[0].slice(1);
      if ((await page.locator(`[id="${errorId}-error"]`).count()) !== 1) throw new Error(`no error message beside #${errorId}`);
      await screenshot(page, 'stagematching-nojs-leerwens-rank-twice', 360);

      // Numbers chosen by hand, another order than saved with JavaScript:
      // De Linde 1, Zonnestraal 2, De Brug 3.
      await select(DE_LINDE).selectOption('1');
      await select(ZONNESTRAAL).selectOption('2');
      await select(DE_BRUG).selectOption('3');
      await submitWith(page, page.locator('button[name="action"][value="save"]'));
      if (pathOf(page) !== '/stage') throw new Error(`saving without JavaScript led to ${page.url()}`);
      await expectText(page.locator(`section[aria-labelledby="round-${state.second.id}"]`), 'Aantal keuzes opgeslagen: 3', 'the saved count (no JS)');
      await screenshot(page, 'stagematching-nojs-stage-saved', 360);
      await goto(page, `/stage/rondes/${state.second.id}`);
      const saved = await page.locator('li.sp-rank-item .sp-rank-place strong').allInnerTexts();
      state.rankedNoJs = [DE_LINDE, ZONNESTRAAL, DE_BRUG];
      if (saved.slice(0, 3).join('|') !== state.rankedNoJs.join('|')) throw new Error(`saved order without JavaScript: ${saved.join(', ')}`);
      // axe needs JavaScript; the phone journey checks the same pages with axe.
    } finally {
      await context.close();
    }
    return soft;
  });

  // ---- 6. Publication reaches the student and the company -------------------
  const publication = step('publication', async () => {
    await leerwensNoJs();
    const soft = softChecks();
    const staffContext = await browserContext();
    const companyContext = await browserContext();
    const studentContext = await browserContext(PHONE);
    try {
      const staff = await staffContext.newPage();
      const staffProblems = trackProblems(staff);
      await login(staff, COORDINATOR);
      const base = `/stagematching/rondes/${state.second.id}`;
      await goto(staff, base);
      await roundAction(staff, 'sluiten');
      await roundAction(staff, 'draaien');
      if (pathOf(staff) !== `${base}/voorstel`) throw new Error(`running the second round led to ${staff.url()}`);
      const rows = await proposalRows(staff);
      const demo = rows.find((r) => r.name === STUDENT_NAME);
      if (!demo) throw new Error(`${STUDENT_NAME} is not in the second round: ${rows.map((r) => r.name).join(', ')}`);
      if (!demo.place.startsWith(DE_LINDE) || demo.rank !== '1e keus') {
        throw new Error(`${STUDENT_NAME} is proposed for "${demo.place}" (${demo.rank}), expected ${DE_LINDE} (1e keus)`);
      }
      const atDeLinde = rows.filter((r) => r.place.startsWith(DE_LINDE));
      await screenshot(staff, 'stagematching-review-second-round-nl', 1280);

      // Before publication: the company sees no student of round B or its second round.
      const company = await companyContext.newPage();
      const companyProblems = trackProblems(company);
      await login(company, COMPANY);
      await goto(company, '/bedrijf');
      await expectText(company.locator('main'), DE_LINDE, 'the company page');
      // Students of round B (and so of its second round) on /bedrijf, by name or
      // student number, apart from the cards of students placed there by other
      // visible rounds (the synthetic names repeat across cohorts) and `allowed`.
      const leaks = (allowed = []) => company.locator('main').evaluate((main, { students, allowed }) => {
        const numbers = new Set(students.map((s) => s.number));
        const clone = main.cloneNode(true);
        for (const card of clone.querySelectorAll('section[aria-labelledby^="placement-"]')) {
          const number = [...card.querySelectorAll('dd')].map((dd) => dd.textContent.trim()).find((t) => numbers.has(t));
          if (!number || allowed.includes(number)) card.remove();
        }
        const shown = clone.textContent;
        return students.filter((s) => shown.includes(s.name) || (s.number && shown.includes(s.number)));
      }, { students: state.roundB.students, allowed });
      const before = await leaks();
      if (before.length) {
        throw new Error(`before publication /bedrijf shows students of the round: ${before.map((s) => `${s.name} (${s.number})`).join(', ')}`);
      }
      if ((await company.locator('main').innerText()).includes(SUPPORT)) throw new Error('before publication /bedrijf shows a support need');
      await staffPage(company, 'company-before', soft, companyProblems);

      // Nor does the student see a placement yet.
      const student = await studentContext.newPage();
      const studentProblems = trackProblems(student);
      await login(student, STUDENT);
      await goto(student, '/stage');
      const section = student.locator(`section[aria-labelledby="round-${state.second.id}"]`);
      await expectText(section, 'aan het matchen', 'the second round on /stage before publication');
      if ((await text(section)).includes(DE_LINDE)) throw new Error('before publication /stage shows the placement');

      await goto(staff, base);
      await soft.check('publication date shown before publishing', async () => {
        await expectText(staff.locator('p', { hasText: 'Na publicatie' }), isoDay(0), 'the "visible from" date before publishing');
      });
      await roundAction(staff, 'publiceren');
      await expectText(staff.locator('#round-status'), 'Gepubliceerd', 'status after publishing the second round');
      if ((await fact(staff, 'Zichtbaar vanaf')) !== isoDay(0)) {
        throw new Error(`the second round is visible from "${await fact(staff, 'Zichtbaar vanaf')}", expected today`);
      }

      // The BPVO export has the student's record with the BRON fields.
      const bpvo = await staff.request.get(url(`${base}/bpvo.csv`));
      if (bpvo.status() !== 200) throw new Error(`${base}/bpvo.csv: HTTP ${bpvo.status()}`);
      const bpvoLines = (await bpvo.text()).trim().split(/\r?\n/);
      if (bpvoLines[0] !== 'Studentnummer,BRIN,Volgnummer,LeerbedrijfID,Opleidingcode,DatumBegin,DatumEindGepland,Omvang') {
        throw new Error(`bpvo.csv header: ${bpvoLines[0]}`);
      }
      const record = `${demo.number},99DM,`;
      const line = bpvoLines.find((l) => l.startsWith(record));
      if (!line || !line.includes(`,100003,25480,${isoDay(7)},${isoDay(120)},400`)) {
        throw new Error(`bpvo.csv has no record ${record}…,100003,25480,${isoDay(7)},${isoDay(120)},400: ${bpvoLines.slice(0, 4).join(' | ')}`);
      }

      // The student: where and why.
      await goto(student, '/stage');
      await expectText(section, `Je loopt stage bij ${DE_LINDE}`, 'the placement on /stage');
      await expectText(section, 'Je hebt je 1e keus gekregen.', 'the explanation on /stage');
      await expectText(section, isoDay(7), 'the start date on /stage');
      await phonePage(student, 'stage-placed', soft, studentProblems, { prefix: 'stagematching' });
      await switchLanguage(student);
      await expectText(section, 'You got your 1st choice.', 'the explanation on /stage (en)');
      await phonePage(student, 'stage-placed', soft, studentProblems, { prefix: 'stagematching' });
      await switchLanguage(student);

      // The company: who comes, with the support need the student shared.
      await goto(company, '/bedrijf');
      const placed = await company.locator('section[aria-labelledby^="placement-"]').evaluateAll((cards) => cards.map((c) =>
        `${c.querySelector('h3').textContent.trim()} ${[...c.querySelectorAll('dd')].map((dd) => dd.textContent.trim()).join(' ')}`));
      for (const s of atDeLinde) {
        if (!placed.some((p) => p.startsWith(`${s.name} ${s.number} `))) {
          throw new Error(`/bedrijf does not list ${s.name} (${s.number}, placed at ${DE_LINDE}); it lists ${placed.join('; ')}`);
        }
      }
      const card = company.locator('section[aria-labelledby^="placement-"]', { has: company.locator('h3', { hasText: STUDENT_NAME }) });
      await expectText(card, SUPPORT, 'the shared support need on /bedrijf');
      const after = await leaks(atDeLinde.map((s) => s.number));
      if (after.length) throw new Error(`/bedrijf shows students not placed there: ${after.map((s) => `${s.name} (${s.number})`).join(', ')}`);
      await staffPage(company, 'company-after', soft, companyProblems, { english: true, widths: [360, 1280] });
      await soft.check('assets on the coordinator pages', async () => {
        if (staffProblems.length) throw new Error(staffProblems.splice(0).join('; '));
      });
    } finally {
      await studentContext.close();
      await companyContext.close();
      await staffContext.close();
    }
    return soft;
  });

  const own = (fn) => async () => (await fn()).throwIfAny();
  test('stagematching: coordinator overview, import with per-line errors, register update, companies, flags, norm', own(register));
  test('stagematching: coordinator closes and runs the open round, reviews it (ranks, DA beside optimal, explanations), overrides with a reason, publishes', own(reviewB));
  test('stagematching: coordinator creates a second round through the form and opens it', own(secondRound));
  test('stagematching: leerwens on a 360 px phone (refresh, Hoger/Lager by keyboard, drag, save, saved count), nl and en', own(leerwensPhone));
  test('stagematching: no JavaScript: the rank selects (same rank twice refused, then saved)', own(leerwensNoJs));
  test('stagematching: publication reaches the student and the company, and nothing before', own(publication));
}
