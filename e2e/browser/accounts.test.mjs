// Accounts in the browser: signing up, in and out, role screens, the admin, ended sessions.
import { test } from "node:test";
import assert from "node:assert/strict";
import { withPhone, axe } from "../lib/phone.mjs";
import { openPhone, BASE_URL } from "../lib/browser.mjs";
import { HomePage } from "../pages/home-page.mjs";
import { TripsPage } from "../pages/trips-page.mjs";
import { freshPlate } from "../lib/trips.mjs";
import { SignUpPage, SignInPage, ForgotPasswordPage, AccountPage, AdminPage, menuPaths } from "../pages/auth-pages.mjs";
import { demo, freshPhone, freshAddress, get, latestCode, post, signIn, signUp } from "../lib/accounts.mjs";

test("a driver signs up, signs out and signs in again, and sees no staff screens", () =>
  withPhone(async ({ page, expectNetworkFailures }) => {
    expectNetworkFailures(); // refused requests (403 on a staff route) are logged by Chromium
    const phone = freshPhone();
    const password = "chuyen hang thanh long";
    const signUp = await new SignUpPage(page).open();
    assert.deepEqual(await axe(page), [], "sign-up form is accessible");
    // A weak password is refused in place, in Vietnamese, and nothing is created.
    await signUp.signUp({ phone, password: "12345678" });
    await signUp.error().waitFor();
    assert.equal(await signUp.error().getAttribute("data-code"), "weak_password");
    assert.match(await signUp.error().textContent(), /Mật khẩu quá yếu/);
    await signUp.signUp({ phone, password, name: "Vũ Văn Hải" });
    await new HomePage(page).waitForGates();
    assert.deepEqual(await menuPaths(page), ["/", "/board", "/trips", "/account"]);

    const account = await new AccountPage(page).open();
    assert.match(await account.card.textContent(), /Vũ Văn Hải/);
    assert.match(await account.role.textContent(), /Lái xe/);
    // Staff screens are not for drivers, even by address.
    for (const path of ["/operator", "/officer", "/admin", "/admin/province-sync"]) {
      await page.goto(BASE_URL + path);
      await page.getByTestId("not-for-you").waitFor();
    }
    await account.open();
    await account.signOut();
    await page.waitForURL(BASE_URL + "/");
    assert.deepEqual(await menuPaths(page), ["/", "/board", "/signin"]);

    const signInPage = await new SignInPage(page).open();
    await signInPage.signIn(phone.replace(/^0/, "+84 "), "wrong password here");
    await page.getByTestId("form-error").waitFor();
    assert.equal(await page.getByTestId("form-error").getAttribute("data-code"), "invalid_credentials");
    await signInPage.signIn(phone, password);
    await new HomePage(page).waitForGates();
    assert.deepEqual(await menuPaths(page), ["/", "/board", "/trips", "/account"]);
  }));

test("an admin creates an officer bound to Huu Nghi, who signs in to the officer home", () =>
  withPhone(async ({ page }) => {
    const admin = demo("admin");
    await (await new SignInPage(page).open()).signIn(admin.phone, admin.password);
    const adminPage = new AdminPage(page);
    await adminPage.accounts.waitFor();
    assert.deepEqual(await menuPaths(page), ["/", "/board", "/admin", "/admin/province-sync", "/account"]);
    assert.deepEqual(await axe(page), [], "admin screen is accessible");
    const phone = freshPhone();
    const password = "can bo cua khau 2026";
    await adminPage.createOfficer({ gateName: "Cửa khẩu quốc tế Hữu Nghị", name: "Lò Thị Mai", phone, password });
    await page.getByTestId("form-done").waitFor();
    assert.match(await page.getByTestId("form-done").textContent(), /Lò Thị Mai/);
    await adminPage.accounts.locator(`[data-phone="+84${phone.slice(1)}"]`).waitFor();
    await adminPage.audit.locator('[data-event="account_created"]').first().waitFor();

    // The officer, on their own phone.
    await withPhone(async ({ page: officerPage }) => {
      await (await new SignInPage(officerPage).open()).signIn(phone, password);
      await officerPage.getByTestId("officer-home").waitFor();
      await officerPage.locator('.gate-card[data-gate="huu-nghi"]').waitFor();
      assert.deepEqual(await menuPaths(officerPage), ["/", "/board", "/officer", "/officer/verify", "/officer/residents", "/account"]);
    });
  }));

test("a session ended elsewhere asks to sign in again and keeps what is saved", () =>
  withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    const phone = freshPhone();
    const password = "phien dang nhap ket thuc";
    await (await new SignUpPage(page).open()).signUp({ role: "trader", phone, password });
    const home = new HomePage(page);
    await home.waitForGates();
    // A vehicle registered offline waits in the outbox...
    const trips = await new TripsPage(page).open();
    await context.setOffline(true);
    const plate = freshPlate();
    await trips.addVehicle({ plate });
    await trips.waitForPending(1);
    // ... while the account is signed out everywhere from another phone.
    const other = await signIn(phone, password);
    assert.equal((await post("/api/auth/signout-all", undefined, { token: other.token })).status, 200);
    // Back online, the app's next call with the old session is refused: it asks to sign in.
    await context.setOffline(false);
    await page.getByTestId("session-ended").waitFor();
    await page.goto(BASE_URL + "/");
    await home.waitForGates();
    assert.deepEqual(await home.gateNames().then((n) => n.length), 5, "saved data is still there");
    // Signed in again, the waiting write is sent: nothing was lost.
    await (await new SignInPage(page).open()).signIn(phone, password);
    await home.waitForGates();
    await trips.open();
    await trips.waitForPending(0);
    assert.equal(await trips.vehicles.count(), 1);
    assert.equal((await trips.vehicles.first().textContent()).includes(plate), true);
  }));

test("offline, a signed-in driver is still signed in and sees their saved account", () =>
  withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    const phone = freshPhone();
    await (await new SignUpPage(page).open()).signUp({ phone, password: "ngoai tuyen van dang nhap", name: "Đinh Công Lực" });
    await new HomePage(page).waitForGates();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await context.setOffline(true);
    await page.goto(BASE_URL + "/account");
    await page.getByTestId("account-card").waitFor();
    assert.match(await page.getByTestId("account-card").textContent(), /Đinh Công Lực/);
    assert.deepEqual(await menuPaths(page), ["/", "/board", "/trips", "/account"]);
  }));

test("a forgotten password is reset with a code by SMS; a new phone asks for a code to sign in", () =>
  withPhone(async ({ page, expectNetworkFailures }) => {
    expectNetworkFailures(); // the wrong code is a refused request
    const phone = freshPhone();
    const first = await signUp({ phone, password: "mat khau da quen 2026", role: "driver" });
    assert.equal(first.status, 200, first.text);
    await page.goto(BASE_URL + "/signin");
    await page.locator('a[href="/forgot-password"]').click();
    await page.locator("#phone").waitFor();
    assert.deepEqual(await axe(page), [], "the forgotten-password form is accessible");
    await new ForgotPasswordPage(page).reset(phone, "mat khau moi nho roi");
    await new HomePage(page).waitForGates();
    assert.equal((await get("/api/me", { token: first.json.token })).json.code, "session_expired", "other sessions ended");

    await withPhone(async ({ page: other, expectNetworkFailures: expectOtherFailures }) => {
      expectOtherFailures(); // the wrong code is a refused request
      await new SignInPage(other).open();
      await other.locator("#phone").fill(phone);
      await other.locator("#password").fill("mat khau moi nho roi");
      await other.locator('form button[type="submit"]').click();
      await other.locator("#code").waitFor();
      assert.match(await other.getByTestId("code-sent").textContent(), /thiết bị mới/);
      assert.match(await other.locator('label[for="code"]').textContent(), /Mã xác nhận/);
      assert.deepEqual(await axe(other), [], "the code step is accessible");
      const code = await latestCode(phone);
      await other.locator("#code").fill(String((Number(code) + 1) % 1_000_000).padStart(6, "0"));
      await other.locator('form button[type="submit"]').click();
      await other.getByTestId("form-error").waitFor();
      assert.equal(await other.getByTestId("form-error").getAttribute("data-code"), "invalid_code");
      await other.locator("#code").fill(code);
      await other.locator('form button[type="submit"]').click();
      await new HomePage(other).waitForGates();
      assert.deepEqual(await menuPaths(other), ["/", "/board", "/trips", "/account"]);
    });
  }));

test("too many wrong passwords: the app says how many minutes to wait", () =>
  withPhone(async ({ page, context, expectNetworkFailures }) => {
    expectNetworkFailures();
    const phone = freshPhone();
    await signUp({ phone, password: "cho vai phut 2026", role: "trader" });
    // This phone's address has used up its tries for the number.
    const address = freshAddress();
    await context.setExtraHTTPHeaders({ "cf-connecting-ip": address });
    for (let i = 0; i < 5; i++) await post("/api/auth/signin", { phone, password: "doan sai " + i }, { address });
    await (await new SignInPage(page).open()).signIn(phone, "doan sai nua");
    await page.getByTestId("form-error").waitFor();
    assert.equal(await page.getByTestId("form-error").getAttribute("data-code"), "rate_limited");
    assert.match(await page.getByTestId("form-error").textContent(), /thử lại sau \d+ phút/);
  }));
