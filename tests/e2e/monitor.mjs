// The monitor in the browser (issue 6 items 1-3): the school's dashboard with
// its charts and tables (finished months only, the running month not
// offered), a drill-down refused below 5 students (the error
// names the field and no numbers are shown), the printable yearly report
// (also in print media) with its CSV and XLSX links, and the system admin's
// deployment-wide report; Dutch and English, axe-core 0 violations on every
// page, screenshots at 360 and 1280 px.
import {
  newContext, trackProblems, goto, login, checkPage, switchLanguage, htmlLang, pathOf,
  expectText, axeCheck, screenshot, assertNoRawMessageKeys, assertNoHorizontalScroll, url,
} from './lib.mjs';

export function registerMonitorTests(test, getBrowser) {
  const browserContext = (options = {}) => newContext(getBrowser(), options);

  test('monitor: dashboard, drill-down refused below 5, nl and en', async () => {
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, 'management@99dm.demo');
      if ((await page.locator('main a[href="/monitor"]').count()) === 0) {
        throw new Error('the staff dashboard does not link the monitor');
      }
      await goto(page, '/monitor');
      await expectText(page.locator('h1'), 'Monitor stagediscriminatie', 'the Dutch title');
      for (const id of ['#table-ground', '#table-phase', '#table-month', '#table-ranks', '#table-experienced']) {
        if ((await page.locator(id).count()) !== 1) throw new Error(`no ${id} on the dashboard`);
      }
      if ((await page.locator('svg[aria-hidden="true"]').count()) < 5) {
        throw new Error('the charts are missing');
      }
      // Only finished months are published: the running month is not offered,
      // and the page says so.
      const month = new Date().toISOString().slice(0, 7);
      if ((await page.locator(`#periode option[value="${month}"]`).count()) !== 0) {
        throw new Error('the running month is offered');
      }
      await expectText(page.locator('main'), 'laatste afgelopen maand', 'the page explains the delay');
      await checkPage(page, 'monitor', { problems });
      await page.setViewportSize({ width: 360, height: 800 });
      await assertNoHorizontalScroll(page, 'monitor at 360 px');
      // A drill-down into a group of fewer than 5: refused, field named, no numbers.
      await goto(page, '/monitor?by=phase&filter=ground:nationality', { expectStatus: 409 });
      if ((await page.locator('a[href="#filter"]').count()) === 0) {
        throw new Error('the error summary does not link the filter field');
      }
      if ((await page.locator('main table').count()) !== 0) throw new Error('numbers shown beside an error');
      await axeCheck(page, 'monitor drill-down refused');
      await screenshot(page, 'monitor-drill-refused-nl', 360);
      await goto(page, '/monitor?periode=2025-2027', { expectStatus: 400 });
      if ((await page.locator('a[href="#periode"]').count()) === 0) throw new Error('bad period not named');
      await goto(page, '/monitor');
      await switchLanguage(page);
      await expectText(page.locator('h1'), 'Internship discrimination monitor', 'the English title');
      await checkPage(page, 'monitor', { problems });
      await assertNoRawMessageKeys(page, 'monitor');
    } finally {
      await context.close();
    }
  });

  test('monitor: printable yearly report with exports, nl and en', async () => {
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, 'meldpunt@99dm.demo');
      await goto(page, '/monitor/rapport');
      await expectText(page.locator('h1'), 'Jaarrapportage stagediscriminatie', 'the report title');
      if ((await page.locator('#indicators tbody tr').count()) < 10) throw new Error('too few indicators');
      for (const [id, type] of [['#csv-link', 'text/csv'], ['#xlsx-link', 'spreadsheetml']]) {
        const href = await page.locator(id).getAttribute('href');
        const res = await page.request.get(url(href));
        if (res.status() !== 200 || !(res.headers()['content-type'] || '').includes(type)) {
          throw new Error(`${id} gave ${res.status()} ${res.headers()['content-type']}`);
        }
      }
      await checkPage(page, 'monitor-report', { problems });
      await page.emulateMedia({ media: 'print' });
      if (await page.locator('form.sp-no-print').isVisible()) throw new Error('the year form is printed');
      if (!(await page.locator('#indicators').isVisible())) throw new Error('the indicators are not printed');
      await screenshot(page, 'monitor-report-print-nl', 1280);
      await page.emulateMedia({ media: 'screen' });
      await switchLanguage(page);
      if ((await htmlLang(page)).slice(0, 2) !== 'en') throw new Error('no English report');
      await expectText(page.locator('h1'), 'Yearly report on internship discrimination', 'the English report title');
      await checkPage(page, 'monitor-report', { problems });
      await assertNoRawMessageKeys(page, 'monitor-report');
    } finally {
      await context.close();
    }
  });

  test('monitor: deployment-wide report for the system admin', async () => {
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await login(page, 'sysadmin@demo');
      await goto(page, '/admin/monitor');
      if (pathOf(page) !== '/admin/monitor') throw new Error(`ended on ${page.url()}`);
      await expectText(page.locator('h1'), 'alle scholen', 'the group title');
      await checkPage(page, 'monitor-group', { problems });
      await switchLanguage(page);
      await checkPage(page, 'monitor-group', { problems });
    } finally {
      await context.close();
    }
  });
}
