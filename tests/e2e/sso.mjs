// Single sign-on in the browser: a student of 99DM logs in through the
// school's OpenID provider (tests/oidc/provider.mjs, started by
// scripts/run-e2e and configured with `stagepunt school sso`) and sees their
// own "Mijn stage"; a student number outside the register gets the clear
// refusal page; the school login page and the admin's settings page pass axe
// with 0 violations, in Dutch and English.
import {
  newContext, trackProblems, goto, login, checkPage, switchLanguage, pathOf, expectText,
  assertNoRawMessageKeys, axeCheck,
} from './lib.mjs';

const ISSUER = process.env.STAGEPUNT_OIDC_ISSUER || '';

function needProvider() {
  if (!ISSUER) throw new Error('STAGEPUNT_OIDC_ISSUER is not set (scripts/run-e2e starts the provider)');
}

// From the school's login page through the provider's form, back to the app.
async function ssoLogin(page, account) {
  await goto(page, '/s/99DM/login');
  await Promise.all([
    page.waitForURL((u) => u.href.startsWith(ISSUER)),
    page.getByRole('link', { name: 'Inloggen met je schoolaccount' }).click(),
  ]);
  await page.getByLabel('Account').fill(account);
  await Promise.all([
    page.waitForURL((u) => !u.href.startsWith(ISSUER), { waitUntil: 'load' }),
    page.getByRole('button', { name: 'Inloggen' }).click(),
  ]);
}

export function registerSsoTests(test, getBrowser) {
  const browserContext = (options = {}) => newContext(getBrowser(), options);

  test('sso: the school login page offers the school account first', async () => {
    needProvider();
    const context = await browserContext();
    try {
      const page = await context.newPage();
      const problems = trackProblems(page);
      await goto(page, '/s/99DM/login');
      const button = page.getByRole('link', { name: 'Inloggen met je schoolaccount' });
      if ((await button.count()) !== 1) throw new Error('no SSO button on /s/99DM/login');
      await checkPage(page, 'sso-school-login', { problems });
      await switchLanguage(page);
      await expectText(page.locator('main'), 'Sign in with your school account', 'English button');
      await checkPage(page, 'sso-school-login', { problems });
      await assertNoRawMessageKeys(page, 'sso-school-login');
      await switchLanguage(page);
      await goto(page, '/login');
      if ((await page.locator('a[href="/s/99DM/login/sso"]').count()) !== 1) {
        throw new Error('/login does not list 99DM for signing in with a school account');
      }
      await checkPage(page, 'login-with-sso', { problems });
    } finally {
      await context.close();
    }
  });

  test('sso: a student logs in through the provider and sees Mijn stage', async () => {
    needProvider();
    const context = await browserContext();
    try {
      const page = await context.newPage();
      await ssoLogin(page, 's990005');
      if (pathOf(page) !== '/dashboard') throw new Error(`after SSO at ${page.url()}, expected /dashboard`);
      await goto(page, '/stage');
      await expectText(page.locator('h1'), 'Mijn stage', 'the student page');
      await axeCheck(page, 'stage after SSO');
    } finally {
      await context.close();
    }
  });

  test('sso: a student number outside the register gets a clear page', async () => {
    needProvider();
    const context = await browserContext();
    try {
      const page = await context.newPage();
      await ssoLogin(page, 's999999');
      await expectText(page.locator('main'), 'Je staat nog niet in de studentenlijst van je school',
        'the refusal');
      await checkPage(page, 'sso-refused');
      await assertNoRawMessageKeys(page, 'sso-refused');
    } finally {
      await context.close();
    }
  });

  test('sso: the school admin\'s settings page, also with an error', async () => {
    needProvider();
    const context = await browserContext();
    try {
      const page = await context.newPage();
      await login(page, 'admin@99dm.demo');
      await goto(page, '/admin/sso');
      await expectText(page.locator('main'), '/auth/oidc/callback', 'the redirect URI');
      const issuer = page.getByLabel('Issuer-URL');
      if ((await issuer.inputValue()) !== ISSUER) throw new Error('the issuer is not shown');
      await checkPage(page, 'sso-settings');
      await issuer.fill('https://bestaat-niet.invalid');
      await Promise.all([
        page.waitForNavigation({ waitUntil: 'load' }),
        page.getByRole('button', { name: 'Opslaan' }).click(),
      ]);
      await expectText(page.locator('main'), 'Stagepunt kan de inlogdienst op dit adres niet vinden',
        'the error naming the issuer');
      if ((await page.locator('a[href="#issuer"]').count()) < 1) {
        throw new Error('the error summary does not link the issuer field');
      }
      await checkPage(page, 'sso-settings-error');
    } finally {
      await context.close();
    }
  });
}
