// Checks of reelpress's exports against the live server, run by tests/archive/run:
//
//   node check.mjs static LIVE COPY TREE BASE_URL   every URL of the static tree, as nginx
//                                                   serves it (COPY), against the live
//                                                   server (LIVE); the redirect map too
//   node check.mjs kiwix BOOK_URL COUNT COLOUR      every page kiwix-serve serves from the
//                                                   ZIM file, reached through its links,
//                                                   and its illustration in COLOUR (rrggbb)
//   node check.mjs warc FILE LIVE BASE_URL          the WARC file read back whole with
//                                                   warcio, digests and bodies checked
//
// Each prints what it checked and exits 1 with the first differences it found.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, readdirSync, statSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import path from 'node:path';
import { WARCParser } from 'warcio';

const failures = [];
function fail(message) {
  failures.push(message);
  if (failures.length <= 20) console.error(`  ${message}`);
}
function finish(what) {
  if (failures.length > 0) {
    console.error(`${what}: ${failures.length} problems`);
    process.exit(1);
  }
  console.log(what);
}

async function get(url, options = {}) {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { 'accept-encoding': 'identity' },
    ...options,
  });
  const body = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, body };
}

// Runs `work` over `items`, a few at a time.
async function eachLimited(items, limit, work) {
  let next = 0;
  const workers = Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  });
  await Promise.all(workers);
}

// The href and src values of a page, as written.
function attributeValues(html) {
  return [...html.matchAll(/ (?:href|src)=(["'])(.*?)\1/g)].map((m) => m[2]);
}

// The static copy may differ from the live page in one way only: a link to a path the site
// does not have (404 on the live server) leads to the site's own address instead.
async function sameExceptMissingLinks(live, copy, liveBase, baseUrl, pagePath) {
  const split = (html) => html.split(/ (?:href|src)=(["']).*?\1/);
  if (split(live).join('') !== split(copy).join('')) return false;
  const a = attributeValues(live);
  const b = attributeValues(copy);
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; ++i) {
    if (a[i] === b[i]) continue;
    const decoded = b[i].replaceAll('&amp;', '&');
    if (!decoded.startsWith(baseUrl + '/')) return false;
    const target = new URL(a[i].replaceAll('&amp;', '&'), `http://live${pagePath}`);
    if (decoded !== baseUrl + target.pathname + target.hash) return false;
    const there = await get(liveBase + target.pathname);
    if (there.status !== 404) return false;  // Only missing paths may be pointed elsewhere.
  }
  return true;
}

function filesUnder(root, dir = '') {
  const out = [];
  for (const name of readdirSync(path.join(root, dir))) {
    const relative = dir ? `${dir}/${name}` : name;
    if (statSync(path.join(root, relative)).isDirectory()) out.push(...filesUnder(root, relative));
    else out.push(relative);
  }
  return out;
}

async function checkStatic(live, copy, tree, baseUrl) {
  const own = new Set(['_redirects', 'redirects.nginx.conf', 'downloads.nginx.conf', 'sitemap.xml',
                       '.reelpress-export']);
  const urls = filesUnder(tree)
    .filter((f) => !own.has(f))
    .map((f) => '/' + f.replace(/(^|\/)index\.html$/, '$1'))
    .map((p) => p.split('/').map(encodeURIComponent).join('/'));
  const sitemap = readFileSync(path.join(tree, 'sitemap.xml'), 'utf8');
  const listed = [...sitemap.matchAll(/<loc>(.*?)<\/loc>/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  assert.ok(listed.length > 0, 'sitemap.xml lists no page');
  for (const loc of listed) {
    if (!loc.startsWith(baseUrl + '/')) fail(`sitemap.xml: ${loc} is not under ${baseUrl}`);
  }
  let rewritten = 0;
  await eachLimited(urls, 8, async (url) => {
    const [a, b] = await Promise.all([get(live + url), get(copy + url)]);
    if (a.status !== 200 || b.status !== 200) {
      fail(`${url}: live ${a.status}, copy ${b.status}`);
      return;
    }
    const liveType = (a.headers.get('content-type') || '').split(';')[0];
    const copyType = (b.headers.get('content-type') || '').split(';')[0];
    if (liveType !== copyType) fail(`${url}: Content-Type ${liveType} live, ${copyType} copied`);
    if (a.body.equals(b.body)) return;
    const pagePath = decodeURIComponent(url);
    if (liveType === 'text/html' &&
        await sameExceptMissingLinks(a.body.toString(), b.body.toString(), live, baseUrl, pagePath)) {
      ++rewritten;
      return;
    }
    fail(`${url}: the copy's ${b.body.length} bytes differ from the live ${a.body.length}`);
  });
  // Every redirect of the map: nginx answers as the live server does.
  const redirects = readFileSync(path.join(tree, '_redirects'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(' '));
  await eachLimited(redirects, 8, async ([from, to]) => {
    const [a, b] = await Promise.all([get(live + from), get(copy + from)]);
    if (a.status !== 301 || b.status !== 301) fail(`${from}: live ${a.status}, copy ${b.status}`);
    const where = (r) => new URL(r.headers.get('location') || '', 'http://x').pathname;
    if (where(a) !== where(b) || where(b) !== new URL(to, 'http://x').pathname) {
      fail(`${from}: redirects to ${where(b)}, live to ${where(a)}`);
    }
  });
  finish(`static: ${urls.length} URLs identical to the live server's (${rewritten} with links ` +
         `to missing paths pointed at ${baseUrl}), ${redirects.length} redirects alike`);
}

// The colour of the first opaque pixel of an 8-bit RGBA PNG (no filters but "none", as
// reelpress writes them), as "rrggbb".
function reelColour(png) {
  assert.equal(png.subarray(1, 4).toString(), 'PNG', 'the illustration is a PNG');
  const width = png.readUInt32BE(16);
  const chunks = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    if (png.subarray(at + 4, at + 8).toString() === 'IDAT') {
      chunks.push(png.subarray(at + 8, at + 8 + length));
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  for (let row = 0; row * (1 + width * 4) < raw.length; ++row) {
    for (let x = 0; x < width; ++x) {
      const at = row * (1 + width * 4) + 1 + x * 4;
      if (raw[at + 3] === 255) return raw.subarray(at, at + 3).toString('hex');
    }
  }
  return '';
}

async function checkKiwix(bookUrl, expectedPages, colour) {
  const book = new URL(bookUrl);
  const name = book.pathname.split('/')[1];
  const illustration = await get(new URL(`/catalog/v2/illustration/${name}/?size=48`, bookUrl));
  if (illustration.status !== 200) fail(`illustration: ${illustration.status}`);
  else if (reelColour(illustration.body) !== colour) {
    fail(`illustration in #${reelColour(illustration.body)}, the theme's accent is #${colour}`);
  }
  const seen = new Set();
  const queue = [new URL('index.html', bookUrl).href];
  let pages = 0;
  while (queue.length > 0) {
    const batch = queue.splice(0, 8).filter((u) => !seen.has(u) && seen.add(u));
    await Promise.all(batch.map(async (url) => {
      const r = await get(url);
      if (r.status !== 200) {
        fail(`${decodeURIComponent(new URL(url).pathname)}: ${r.status}`);
        return;
      }
      if (!(r.headers.get('content-type') || '').startsWith('text/html')) return;
      ++pages;
      for (const value of attributeValues(r.body.toString())) {
        const target = new URL(value.replaceAll('&amp;', '&'), url);
        target.hash = '';
        // Links of the book: relative ones that stay under its prefix.
        if (target.origin !== book.origin || !target.pathname.startsWith(book.pathname)) continue;
        if (/^[a-z]+:|^\//i.test(value)) fail(`${url}: link ${value} is not relative`);
        if (!seen.has(target.href)) queue.push(target.href);
      }
    }));
  }
  if (pages < expectedPages) fail(`reached ${pages} pages through links, the file holds ${expectedPages}`);
  finish(`kiwix-serve: ${seen.size} URLs reached through the pages' links, all 200 (${pages} pages)`);
}

function sha1Label(bytes) {
  const digest = createHash('sha1').update(bytes).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0, out = '';
  for (const byte of digest) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return `sha1:${out}`;
}

async function checkWarc(file, live, baseUrl) {
  // First pass: every record's block as written, against its WARC-Block-Digest.
  const types = {};
  for await (const record of WARCParser.iterRecords(createReadStream(file), { parseHttp: false })) {
    types[record.warcType] = (types[record.warcType] || 0) + 1;
    const block = await record.readFully(false);
    if (block.length !== record.warcContentLength) fail(`${record.warcTargetURI}: short block`);
    if (record.warcBlockDigest !== sha1Label(block)) {
      fail(`${record.warcTargetURI}: block digest ${record.warcBlockDigest} is not the block's`);
    }
  }
  assert.equal(types.warcinfo, 1, 'one warcinfo record');
  assert.equal(types.request, types.response, 'a request for every response');
  // Second pass: each response's payload against WARC-Payload-Digest and the live server.
  const responses = [];
  for await (const record of WARCParser.iterRecords(createReadStream(file))) {
    if (record.warcType !== 'response') continue;
    const payload = await record.readFully(false);
    if (record.warcPayloadDigest !== sha1Label(payload)) {
      fail(`${record.warcTargetURI}: payload digest is not the payload's`);
    }
    responses.push({ uri: record.warcTargetURI, status: Number(record.httpHeaders.statusCode), payload });
  }
  await eachLimited(responses, 8, async ({ uri, status, payload }) => {
    if (!uri.startsWith(baseUrl + '/')) {
      fail(`${uri} is not under ${baseUrl}`);
      return;
    }
    const r = await get(live + uri.slice(baseUrl.length));
    if (r.status !== status) fail(`${uri}: ${status} in the file, ${r.status} live`);
    else if (!r.body.equals(Buffer.from(payload))) fail(`${uri}: the payload differs from the live body`);
  });
  finish(`warcio: ${types.response} responses and ${types.request} requests read back, digests ` +
         `right, every payload the live server's`);
}

const [command, ...args] = process.argv.slice(2);
if (command === 'static') await checkStatic(...args);
else if (command === 'kiwix') await checkKiwix(args[0], Number(args[1]), args[2]);
else if (command === 'warc') await checkWarc(...args);
else {
  console.error('usage: node check.mjs static|kiwix|warc ...');
  process.exit(2);
}
