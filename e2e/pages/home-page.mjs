// Page object: the home screen (gates and yards).
import { BASE_URL } from "../lib/browser.mjs";

export class HomePage {
  constructor(page) {
    this.page = page;
    this.gateList = page.getByTestId("gate-list");
    this.gateCards = page.locator(".gate-card");
    this.asOf = page.getByTestId("as-of");
    this.savedCopy = page.getByTestId("saved-copy");
    this.connectivity = page.getByTestId("connectivity");
    this.heading = page.locator("h1");
    this.error = page.getByTestId("error");
  }

  async open(path = "/") {
    await this.page.goto(BASE_URL + path);
    return this;
  }

  async waitForGates() {
    await this.gateCards.first().waitFor({ state: "visible" });
    return this;
  }

  async gateNames() {
    return this.page.locator(".gate-card h2").allTextContents();
  }

  async switchTo(tag) {
    await this.page.locator(`.lang-switch button[data-lang="${tag}"]`).click();
  }

  async htmlLang() {
    return this.page.evaluate(() => document.documentElement.lang);
  }

  async pressedLang() {
    return this.page.locator('.lang-switch button[aria-pressed="true"]').getAttribute("data-lang");
  }
}
