// A reader with JavaScript switched off posts a comment and a reply: Debian's Chromium, driven
// by playwright-core, against the real reelpress binary on a fresh demo site. The comments must
// end up pending in the store (checked with `reelpress comments DIR list`).
//
// Run through tests/browser/run, which installs what is missing and sets REELPRESS_BINARY.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { demoSite } from './support.mjs';

const binary = process.env.REELPRESS_BINARY;
const introduction = '/episodes/the-well-keepers/the-well-keepers/101/';
const organizations = '/episodes/the-well-keepers/the-well-keepers-organizations/102/';

let site;
let base;
let browser;
let stop;

function pendingList() {
  return execFileSync(binary, ['comments', site, 'list', '--status', 'pending', '--limit', '0'], {
    encoding: 'utf8',
  });
}

before(async () => {
  assert.ok(binary, 'REELPRESS_BINARY must name the reelpress binary');
  ({ site, base, browser, stop } = await demoSite(binary, 'reelpress-browser-', (dir) => {
    // A person takes longer than a second; the default (3 s) would only make the test slower.
    const toml = join(dir, 'site.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace(/min_fill_seconds = \d+/, 'min_fill_seconds = 1'));
  }));
});

after(async () => {
  await stop?.();
});

test('a comment posted with JavaScript off awaits moderation', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const response = await page.goto(base + introduction);
  assert.equal(response.status(), 200);
  assert.equal(await page.locator('script').count(), 0, 'the site needs no JavaScript');

  await page.fill('#author', 'Browser Reader');
  await page.fill('#email', 'browser.reader@example.org');
  await page.fill('#comment', 'Posted from Chromium with JavaScript switched off.');
  await page.waitForTimeout(1200);  // min_fill_seconds
  await Promise.all([
    page.waitForURL(/\?comment=pending#comment-form-notice$/),
    page.click('#commentform button[type="submit"]'),
  ]);
  assert.match(await page.textContent('#comment-form-notice'), /awaiting moderation/);
  // The honeypot was there, and left empty by a person.
  assert.equal(await page.inputValue('#comment-trap'), '');

  const list = pendingList();
  assert.match(list, /comment\s+c\d+\s+pending\s+101\s.*Browser Reader/, list);
  await context.close();
});

test('a reply posted with JavaScript off keeps its parent', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(base + organizations);
  await Promise.all([
    page.waitForURL(/\?replytocom=5#respond$/),
    page.click('#comment-5 > article .comment-reply-link'),
  ]);
  assert.match(await page.textContent('#reply-title'), /Reply to Maria T\./);
  assert.equal(await page.inputValue('input[name="comment_parent"]'), '5');
  await page.fill('#author', 'Browser Replier');
  await page.fill('#comment', 'A reply, without JavaScript.');
  await page.waitForTimeout(1200);
  await Promise.all([
    page.waitForURL(/\?comment=pending#comment-form-notice$/),
    page.click('#commentform button[type="submit"]'),
  ]);
  const line = pendingList().split('\n').find((l) => l.includes('Browser Replier'));
  assert.ok(line, 'the reply is pending in the store');
  const id = line.trim().split(/\s+/)[1];
  const shown = execFileSync(binary, ['comments', site, 'show', id], { encoding: 'utf8' });
  assert.match(shown, /Reply to: c5/);
  await context.close();
});
