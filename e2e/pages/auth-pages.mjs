// Page objects: signing up, signing in, the forgotten password, the account screen, the admin
// screen. Codes sent by SMS are read from the test Worker's local SMS double, as a person
// would read them on the phone.
import { BASE_URL } from "../lib/browser.mjs";
import { latestCode } from "../lib/accounts.mjs";

/// Clicks the form's submit button and waits for what it leads to: the code field, an error
/// shown after the click (an earlier one does not count), or (`leaves`) another page.
async function submitAndSettle(page, { leaves } = {}) {
  await page.evaluate(() => document.querySelectorAll('[data-testid="form-error"]').forEach((e) => (e.dataset.stale = "1")));
  const from = new URL(page.url()).pathname;
  await page.locator('form button[type="submit"]').click();
  await page.waitForFunction(
    ({ from, leaves }) =>
      document.querySelector("#code") !== null ||
      document.querySelector('[data-testid="form-error"]:not([data-stale])') !== null ||
      (leaves && location.pathname !== from),
    { from, leaves },
  );
  return page.locator("#code").isVisible();
}

/// Types the code the phone just received and submits.
async function enterCode(page, phone) {
  const code = await latestCode(phone);
  if (!code) throw new Error(`no code in the SMS inbox of ${phone}`);
  await page.locator("#code").fill(code);
  await page.locator('form button[type="submit"]').click();
}

export class SignUpPage {
  constructor(page) {
    this.page = page;
  }
  async open() {
    await this.page.goto(BASE_URL + "/signup");
    await this.page.locator("form").waitFor();
    return this;
  }
  /// Fills the form and sends it; when the code step comes, enters the code from the SMS.
  async signUp({ role = "driver", phone, password, name = "" }) {
    await this.page.locator(`#role-${role}`).check();
    await this.page.locator("#phone").fill(phone);
    await this.page.locator("#password").fill(password);
    await this.page.locator("#name").fill(name);
    if (await submitAndSettle(this.page)) await enterCode(this.page, phone);
  }
  error() {
    return this.page.getByTestId("form-error");
  }
}

export class SignInPage {
  constructor(page) {
    this.page = page;
  }
  async open() {
    await this.page.goto(BASE_URL + "/signin");
    await this.page.locator("form").waitFor();
    return this;
  }
  /// Signs in; on a device the account does not know yet, enters the code from the SMS.
  async signIn(phone, password) {
    await this.page.locator("#phone").fill(phone);
    await this.page.locator("#password").fill(password);
    if (await submitAndSettle(this.page, { leaves: true })) await enterCode(this.page, phone);
  }
}

export class ForgotPasswordPage {
  constructor(page) {
    this.page = page;
  }
  async open() {
    await this.page.goto(BASE_URL + "/forgot-password");
    await this.page.locator("form").waitFor();
    return this;
  }
  /// Asks for a code, then sets the new password with the code from the SMS.
  async reset(phone, newPassword) {
    await this.page.locator("#phone").fill(phone);
    if (!(await submitAndSettle(this.page))) throw new Error("no code step on the forgotten-password page");
    await this.page.locator("#new-password").fill(newPassword);
    await enterCode(this.page, phone);
  }
}

export class AccountPage {
  constructor(page) {
    this.page = page;
    this.card = page.getByTestId("account-card");
    this.role = page.getByTestId("account-role");
  }
  async open() {
    await this.page.goto(BASE_URL + "/account");
    await this.card.waitFor();
    return this;
  }
  async signOut() {
    await this.page.locator(".account .actions button").first().click();
  }
}

export class AdminPage {
  constructor(page) {
    this.page = page;
    this.form = page.getByTestId("create-staff");
    this.accounts = page.getByTestId("account-list");
    this.audit = page.getByTestId("audit-log");
  }
  async open() {
    await this.page.goto(BASE_URL + "/admin");
    await this.accounts.waitFor();
    return this;
  }
  async createOfficer({ gateName, name, phone, password }) {
    await this.page.locator("#staff-role").selectOption("officer");
    await this.page.locator("#staff-gate").selectOption({ label: gateName });
    await this.page.locator("#staff-name").fill(name);
    await this.page.locator("#staff-phone").fill(phone);
    await this.page.locator("#staff-password").fill(password);
    await this.form.locator('button[type="submit"]').click();
  }
}

/// The links of the main navigation, as paths.
export async function menuPaths(page) {
  return page.locator(".nav-menu a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
}
