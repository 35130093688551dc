// What the browser tests share: starting the real server, and how Chromium is launched.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

// Starts `reelpress serve` on a free port and resolves with its address, read from the first
// line it prints ("reelpress: serving DIR at http://127.0.0.1:PORT/").
export function serve(binary, siteDir) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, ['serve', siteDir, '--listen', '127.0.0.1:0', '--threads', '2'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20000);
    const look = (chunk) => {
      output += chunk;
      const match = output.match(/at (http:\/\/127\.0\.0\.1:\d+)\//);
      if (match) {
        clearTimeout(timer);
        resolve({ child, base: match[1] });
      }
    };
    child.stdout.setEncoding('utf8').on('data', look);
    child.stderr.setEncoding('utf8').on('data', look);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

// Debian's Chromium, headless, with nothing reaching out to the network.
export function launchOptions() {
  return {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
      '--disable-background-networking'],
  };
}

// A demo site in a new temporary folder, prepared by `prepare(site)` (which may write to it
// with the binary or sqlite3), served, and Chromium launched. Returns what the tests use and
// a stop() for after().
export async function demoSite(binary, prefix, prepare = () => {}) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const site = join(dir, 'site');
  execFileSync(binary, ['init', site, '--demo']);
  prepare(site);
  const { child, base } = await serve(binary, site);
  const browser = await chromium.launch(launchOptions());
  const stop = async () => {
    await browser.close();
    child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  return { site, base, browser, stop };
}
