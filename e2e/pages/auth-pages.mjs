// Page objects: signing up, signing in, the account screen, the admin screen.
import { BASE_URL } from "../lib/browser.mjs";

export class SignUpPage {
  constructor(page) {
    this.page = page;
  }
  async open() {
    await this.page.goto(BASE_URL + "/signup");
    await this.page.locator("form").waitFor();
    return this;
  }
  async signUp({ role = "driver", phone, password, name = "" }) {
    await this.page.locator(`#role-${role}`).check();
    await this.page.locator("#phone").fill(phone);
    await this.page.locator("#password").fill(password);
    await this.page.locator("#name").fill(name);
    await this.page.locator('form button[type="submit"]').click();
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
  async signIn(phone, password) {
    await this.page.locator("#phone").fill(phone);
    await this.page.locator("#password").fill(password);
    await this.page.locator('form button[type="submit"]').click();
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
