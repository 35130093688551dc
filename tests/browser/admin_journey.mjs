// An editor runs the site from Chromium with JavaScript switched off: signs in, uploads a
// still, writes an entry with it and schedules it a few seconds ahead, previews it, sees it appear on the site at its
// time, moderates a reader's comment, archives the site and signs out. Against the real
// binary on a fresh demo site.
//
// Run through tests/browser/run, which installs what is missing and sets REELPRESS_BINARY.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { demoSite } from './support.mjs';

const binary = process.env.REELPRESS_BINARY;
const password = 'broadcast night 2011';
const introduction = '/episodes/the-well-keepers/the-well-keepers/101/';

let site;
let base;
let browser;
let stop;

// A 2x2 grey GIF, as libvips writes one.
const still = '4749463839610200020080000047704cc8c8c821ff0b4e45545343415045322e300301000000' +
  '21f90405000000002c00000000020002000002028c53003b';

// "YYYY-MM-DDTHH:MM:SS" in UTC, as the form's datetime-local field takes it.
function utcFieldValue(date) {
  return date.toISOString().slice(0, 19);
}

before(async () => {
  assert.ok(binary, 'REELPRESS_BINARY must name the reelpress binary');
  ({ site, base, browser, stop } = await demoSite(binary, 'reelpress-admin-', (dir) => {
    execFileSync(binary, ['user', 'add', dir, 'producer', '--role', 'administrator', '--name',
      'The Producer'], { input: `${password}\n` });
    // A reader's comment waiting for moderation, as the public form leaves it.
    execFileSync('sqlite3', [join(dir, 'content.db'),
      "INSERT INTO comments (entry_id, author_name, author_email, author_url, body_html, status, " +
      "created_at) VALUES (101, 'Waiting Reader', '', '', '<p>Please show this film again.</p>', " +
      "'pending', unixepoch())"]);
  }));
});

after(async () => {
  await stop?.();
});

test('an editor runs the site from a browser without JavaScript', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();

  // Signing in: the admin sends a stranger to the sign-in form, then back.
  await page.goto(base + '/admin/entries/');
  assert.match(page.url(), /\/admin\/sign-in\?next=/);
  await page.fill('#login', 'producer');
  await page.fill('#password', 'not the password');
  await page.click('button[type="submit"]');
  assert.match(await page.textContent('.problem'), /Wrong login or password/);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/admin\/entries\/$/), page.click('button[type="submit"]')]);
  assert.equal(await page.locator('script').count(), 0, 'the admin needs no JavaScript');

  // Uploading a still: its alternative text is required, its address is made by the server.
  await page.click('nav[aria-label="Admin"] >> text=Media');
  await page.setInputFiles('#file', { name: 'well at dawn.gif', mimeType: 'image/gif',
    buffer: Buffer.from(still, 'hex') });
  await page.fill('#alt', 'A well at dawn');
  await Promise.all([page.waitForURL(/uploaded=/), page.click('button[type="submit"] >> text=Upload')]);
  const stillPath = (await page.textContent('.notice')).match(/\/files\/\S+/)[0];
  assert.match(stillPath, /^\/files\/\d{4}\/\d{2}\/well-at-dawn\.gif$/);

  // Writing and scheduling an entry with the still, a few seconds ahead.
  await page.click('nav[aria-label="Admin"] >> text=Entries');
  await page.click('text=Write a new entry');
  await page.fill('#title', 'Broadcast Night');
  await page.selectOption('#kind', 'page');
  await page.fill('#body', `The film airs **tonight** on public television.\n\n![A well at dawn](${stillPath})`);
  await page.fill('#section-heading-1', 'About the Film');
  await page.fill('#section-body-1', 'Wells, and the people who keep them.');
  await page.selectOption('#status', 'publish');
  const airs = new Date(Date.now() + 4000);
  await page.fill('#published_at', utcFieldValue(airs));

  // Preview opens the page as readers would see it, in a new tab, saving nothing.
  const [preview] = await Promise.all([
    context.waitForEvent('page'),
    page.click('button[value="preview"]'),
  ]);
  await preview.waitForLoadState();
  assert.match(await preview.textContent('body'), /airs tonight on public television/);
  assert.match(await preview.textContent('body'), /About the Film/);
  await preview.close();

  await Promise.all([page.waitForURL(/\/admin\/entries\/\d+\/\?saved=1$/),
    page.click('button[value="save"]')]);
  assert.match(await page.textContent('.notice'), /will appear on the site at/);
  const entryUrl = base + await page.getAttribute('text=View on the site', 'href');

  // Not on the site before its time; there without a restart once the time has come.
  const reader = await browser.newContext({ javaScriptEnabled: false });
  const readerPage = await reader.newPage();
  assert.equal((await readerPage.goto(entryUrl)).status(), 404);
  const wait = airs.getTime() - Date.now() + 1500;
  if (wait > 0) await readerPage.waitForTimeout(wait);
  let status = 0;
  for (let i = 0; i < 20 && status !== 200; i++) {
    status = (await readerPage.goto(entryUrl)).status();
    if (status !== 200) await readerPage.waitForTimeout(250);
  }
  assert.equal(status, 200, 'the scheduled entry appeared');
  assert.match(await readerPage.textContent('main'), /Broadcast Night/);
  assert.equal(await readerPage.getAttribute('main img', 'src'), stillPath);
  const image = await readerPage.request.get(base + stillPath);
  assert.equal(image.headers()['content-type'], 'image/gif');

  // Moderating a comment: it shows on the entry at once.
  await page.click('nav[aria-label="Admin"] >> text=Comments');
  assert.match(await page.textContent('.queue'), /Please show this film again/);
  await page.check('.queue input[type="checkbox"]');
  await Promise.all([page.waitForURL(/done=1/), page.click('button[value="approved"]')]);
  assert.match(await page.textContent('.notice'), /1 comment was moved/);
  await readerPage.goto(base + introduction);
  assert.match(await readerPage.textContent('body'), /Please show this film again/);

  // Archiving the site: the banner on every page, comments closed.
  await page.click('nav[aria-label="Admin"] >> text=Settings');
  await page.check('input[name="archived"]');
  await Promise.all([page.waitForURL(/saved=1/), page.click('text=Save settings')]);
  await readerPage.goto(base + '/');
  assert.match(await readerPage.textContent('body'), /no longer actively maintained/);
  await readerPage.goto(base + introduction);
  assert.equal(await readerPage.locator('#commentform').count(), 0, 'comments are closed');

  // Signing out ends the session: the admin asks to sign in again.
  await Promise.all([page.waitForURL(/\/admin\/sign-in$/), page.click('text=Sign out')]);
  await page.goto(base + '/admin/');
  assert.match(page.url(), /\/admin\/sign-in/);
  await reader.close();
  await context.close();
});

test('the admin fits a phone, labels every field and starts with a skip link', async () => {
  // Scripts on here: the checks below run in the page.
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto(base + '/admin/sign-in');
  await page.fill('#login', 'producer');
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(/\/admin\/$/), page.click('button[type="submit"]')]);

  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');

  for (const path of ['/admin/', '/admin/entries/', '/admin/entries/new', '/admin/entries/101/',
    '/admin/comments/', '/admin/media/', '/admin/films/new', '/admin/categories/new',
    '/admin/organizations/new', '/admin/redirects/', '/admin/settings/']) {
    await page.goto(base + path);
    const overflow = await page.evaluate(() =>
      document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${path} is ${overflow}px wider than the phone`);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.name));
    assert.deepEqual(unlabelled, [], `${path} has fields without a label`);
  }
  await context.close();
});
