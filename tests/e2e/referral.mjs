// Referrals in the browser (docs/referrals.md): the lead composes a hand-over
// summary of a fresh report, the student reads and agrees on a 360 px phone
// with the code, the lead hands it over in person; axe-core on every page in
// Dutch and English, no sideways scroll on the phone.
import {
  newContext, trackProblems, goto, login, checkPage, switchLanguage, submitWith, url, PHONE,
  expectText, assertNoHorizontalScroll,
} from './lib.mjs';

const LEAD = 'meldpunt@99dm.demo';
const COMPANY = 'Garage Doorverwijzing E2E';

// A named report through the public JSON API; returns { receipt, case_number }.
async function submitReport() {
  const res = await fetch(url('/api/v1/schools/99DM/reports'), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      mode: 'named', phase: 'internship', grounds: ['origin'], wishes: ['referral'],
      narrative: 'Ik werd op mijn stage anders behandeld vanwege mijn afkomst.',
      company: { name: COMPANY }, reporter: { name: 'Student E2E' },
    }),
  });
  if (res.status !== 201) throw new Error(`submitting the report: HTTP ${res.status}`);
  return res.json();
}

// Checks the page at both widths, switches language, checks again, and switches back.
async function bothLanguages(page, name, problems) {
  await checkPage(page, name, { problems });
  await switchLanguage(page);
  await checkPage(page, name, { problems });
  await switchLanguage(page);
}

export function registerReferralTests(test, getBrowser) {
  test('referral: compose, the student agrees on a phone, hand over in person (axe, nl + en)', async () => {
    const browser = getBrowser();
    const report = await submitReport();
    const staffContext = await newContext(browser);
    const studentContext = await newContext(browser, PHONE);
    try {
      const staff = await staffContext.newPage();
      const staffProblems = trackProblems(staff);
      await login(staff, LEAD);
      await goto(staff, `/meldpunt?nummer=${encodeURIComponent(report.case_number)}`);
      const casePath = await staff.locator('main a[href^="/meldpunt/zaken/"]').first().getAttribute('href');
      await goto(staff, `${casePath}/doorverwijzingen`);
      await bothLanguages(staff, 'referral-case', staffProblems);
      // An empty choice shows the error beside the field, axe-clean.
      await submitWith(staff, staff.locator(`form[action="${casePath}/doorverwijzingen"] button[type="submit"]`));
      await checkPage(staff, 'referral-case-error', { widths: [360] });
      await staff.locator('#part_company').check();
      await staff.locator('#part_grounds').check();
      await submitWith(staff, staff.locator(`form[action="${casePath}/doorverwijzingen"] button[type="submit"]`));
      const detailPath = new URL(staff.url()).pathname;
      await bothLanguages(staff, 'referral-detail-draft', staffProblems);

      const student = await studentContext.newPage();
      const studentProblems = trackProblems(student);
      await goto(student, '/melding');
      await student.locator('#receipt').fill(report.receipt);
      await submitWith(student, student.locator('form[action="/melding"] button[type="submit"]'));
      await goto(student, '/melding/doorverwijzingen');
      await expectText(student.locator('main'), COMPANY, 'the summary for the student');
      await assertNoHorizontalScroll(student, 'referrals on a phone');
      await bothLanguages(student, 'referral-student', studentProblems);
      await submitWith(student, student.locator('button[name="decision"][value="agree"]'));
      await checkPage(student, 'referral-student-agreed', { widths: [360] });

      await goto(staff, detailPath);
      await staff.locator('#delivery_in_person').check();
      await submitWith(staff, staff.locator(`form[action="${detailPath}/versturen"] button[type="submit"]`));
      await bothLanguages(staff, 'referral-detail-sent', staffProblems);
      await goto(student, '/melding/doorverwijzingen');
      await expectText(student.locator('main'), COMPANY, 'what was shared, for the student');
      await checkPage(student, 'referral-student-sent', { widths: [360] });
    } finally {
      await studentContext.close();
      await staffContext.close();
    }
  });
}
