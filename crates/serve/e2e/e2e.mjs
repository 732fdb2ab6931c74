// End-to-end test of the observatory page in headless Chromium (Debian's /usr/bin/chromium,
// driven by playwright-core): `node e2e.mjs URL`, URL being a running `rasid serve` over
// the seeds (see ./run). Checks what an analyst does — the events on the map, a date range
// brushed on the timeline, an event opened from its point with its evidence highlighted in
// the Arabic text, the retaliation chain, the language toggle — against what the API says,
// and fails on any console error or any request that leaves the loopback interface.

import { chromium } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const base = process.argv[2];
if (!base) {
  console.error('usage: node e2e.mjs URL');
  process.exit(2);
}
const screenshotDir = process.env.SCREENSHOT_DIR || 'target/e2e';
const STEP_TIMEOUT = 20000;

const problems = []; // console errors and requests off the loopback interface
let checks = 0;

function check(condition, message) {
  if (!condition) throw new Error(`check failed: ${message}`);
  checks += 1;
  console.log(`ok ${checks} - ${message}`);
}

async function api(pathAndQuery) {
  const response = await fetch(new URL(pathAndQuery, base));
  if (!response.ok) throw new Error(`${pathAndQuery}: HTTP ${response.status} ${await response.text()}`);
  return response.json();
}

const located = (events) => events.filter((e) => Number.isFinite(e.location?.lat) && Number.isFinite(e.location?.lon));
const chars = (text) => Array.from(text); // offsets are Unicode scalar values, not UTF-16 units

function isLoopback(url) {
  const { protocol, hostname } = new URL(url);
  if (['data:', 'blob:', 'about:'].includes(protocol)) return true;
  return ['127.0.0.1', 'localhost', '[::1]', '::1'].includes(hostname);
}

async function waitReady(page) {
  await page.waitForSelector('body[data-state="ready"]', { timeout: STEP_TIMEOUT });
}

async function pointIds(page) {
  return page.$$eval('#map .point[data-event-id]', (nodes) => nodes.map((n) => n.dataset.eventId));
}

/** Clicks the map point of an event where it is drawn, after making sure it is on top. */
async function clickPoint(page, id) {
  const at = await page.evaluate((eventId) => window.rasidMap.pointScreenPosition(eventId), id);
  if (!at) return false;
  const hit = await page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.dataset?.eventId ?? null, at);
  if (hit !== id) return false;
  await page.mouse.click(at.x, at.y);
  return true;
}

/** A screenshot with the panel scrolled to the highlighted evidence. */
async function screenshot(page, name) {
  const mark = page.locator('#panel .document-text mark[data-field]').first();
  await mark.waitFor({ timeout: STEP_TIMEOUT });
  await mark.evaluate((m) => m.scrollIntoView({ block: 'center' }));
  await page.screenshot({ path: path.join(screenshotDir, name) });
}

async function run(page) {
  // 1. The page loads and shows every event of the store on the map.
  await page.goto(base);
  await waitReady(page);
  const all = await api('/api/events?limit=500');
  check(all.events.length > 0, `the API returns events (${all.events.length})`);
  const shown = await pointIds(page);
  check(shown.length === located(all.events).length,
    `the map shows ${shown.length} points for the ${located(all.events).length} located events of /api/events`);
  check(new Set(shown).size === shown.length && located(all.events).every((e) => shown.includes(e.id)),
    'every located event has its own point');

  // 2. Brushing a few days on the timeline filters the map to the events of those days.
  const stats = await api('/api/stats');
  const days = stats.by_day.map((d) => d.day).sort();
  check(days.length > 0, `the histogram has dated days (${days.length})`);
  const first = days[0];
  const firstDays = days.filter((d) => Date.parse(d) - Date.parse(first) <= 3 * 86400000);
  const last = firstDays[firstDays.length - 1];
  const firstBar = await page.locator(`#timeline rect.bar[data-day="${first}"]`).boundingBox();
  const lastBar = await page.locator(`#timeline rect.bar[data-day="${last}"]`).boundingBox();
  check(firstBar && lastBar, `the timeline draws bars for ${first} and ${last}`);
  const y = firstBar.y + firstBar.height - 2;
  await page.mouse.move(firstBar.x + firstBar.width / 2, y);
  await page.mouse.down();
  for (let step = 1; step <= 8; step += 1) {
    const x = firstBar.x + firstBar.width / 2 + ((lastBar.x - firstBar.x) * step) / 8;
    await page.mouse.move(x, y);
  }
  await page.mouse.up();
  await page.waitForFunction(() => new URL(location.href).searchParams.has('to'), null, { timeout: STEP_TIMEOUT });
  await waitReady(page);
  const from = await page.inputValue('#f-from');
  const to = await page.inputValue('#f-to');
  check(from === first && to === last, `the brush set the date filters to ${first}..${last} (got ${from}..${to})`);
  check(new URL(page.url()).searchParams.get('from') === from, 'the dates are in the URL');
  const brushed = await api(`/api/events?from=${from}&to=${to}&limit=500`);
  const brushedShown = await pointIds(page);
  check(brushedShown.length === located(brushed.events).length && brushed.events.length > 0,
    `after brushing the map shows ${brushedShown.length} points = /api/events?from=${from}&to=${to}`);
  check(brushedShown.length < shown.length, `fewer than before (${brushedShown.length} < ${shown.length})`);

  // 3. Clicking a point opens its event with the Arabic evidence highlighted.
  const candidates = located(brushed.events).filter((e) => e.evidence.length > 0);
  let opened = null;
  for (const e of candidates) {
    if (await clickPoint(page, e.id)) {
      opened = e;
      break;
    }
  }
  check(opened, 'a point of an event with evidence can be clicked on the map');
  await page.waitForSelector(`#panel[data-view="event"] .document-text`, { timeout: STEP_TIMEOUT });
  check(new URL(page.url()).searchParams.get('event') === opened.id, `the open event ${opened.id} is in the URL`);
  const docId = opened.evidence[0].doc;
  const { document: doc, spans } = await api(`/api/documents/${encodeURIComponent(docId)}`);
  const text = chars(doc.text);
  const textNode = page.locator(`#panel article[data-document-id="${docId}"] .document-text`);
  check(await textNode.getAttribute('dir') === 'rtl' && await textNode.getAttribute('lang') === 'ar',
    `document ${docId} is shown right-to-left as Arabic`);
  check((await textNode.textContent()) === doc.text, 'the document text is shown whole and unchanged');
  const marks = await textNode.locator('mark[data-field]').evaluateAll((nodes) => nodes.map((n) => ({
    field: n.dataset.field, fields: n.dataset.fields.split(' '), start: Number(n.dataset.start), end: Number(n.dataset.end), text: n.textContent,
  })));
  check(marks.length > 0, `the text has ${marks.length} highlighted evidence segments`);
  const own = spans.filter((s) => s.event === opened.id);
  const whole = own.filter((s) => marks.some((m) => m.start === s.start && m.end === s.end && m.fields.includes(s.field)));
  check(whole.length > 0, `${whole.length} of the event's ${own.length} spans in ${docId} are highlighted whole`);
  for (const s of whole) {
    const m = marks.find((k) => k.start === s.start && k.end === s.end);
    const expected = text.slice(s.start, s.end).join('');
    check(m.text === expected, `span ${s.field} ${s.start}..${s.end} reads «${expected}»`);
  }
  check(marks.every((m) => m.text === text.slice(m.start, m.end).join('')), 'every highlighted segment sits at its offsets');

  // Clicking a field name emphasises its spans.
  const field = whole[0].field;
  await page.click(`#panel .field-name[data-evidence-field="${field}"], #panel .chip[data-evidence-field="${field}"]`);
  const emphasised = await textNode.locator('mark.emph').count();
  check(emphasised > 0, `clicking the field ${field} emphasises ${emphasised} segments`);

  // 4. The chain view of an event that answers another.
  await page.click('#brush-clear');
  await page.waitForFunction(() => !new URL(location.href).searchParams.has('to'), null, { timeout: STEP_TIMEOUT });
  await waitReady(page);
  const responder = all.events.find((e) => e.responds_to.length > 0);
  const target = responder ?? all.events[0];
  await page.click(`#results tr[data-event-id="${target.id}"]`);
  await page.waitForSelector(`#chain .chain-node.current[data-chain-event-id="${target.id}"]`, { timeout: STEP_TIMEOUT });
  const chain = await api(`/api/chains/${encodeURIComponent(target.id)}`);
  const nodes = await page.$$eval('#chain [data-chain-event-id]', (n) => n.map((x) => x.dataset.chainEventId));
  check(nodes.length === chain.events.length && chain.events.every((e) => nodes.includes(e.id)),
    `the chain of ${target.id} shows its ${chain.events.length} events`);
  if (responder) {
    const answered = responder.responds_to[0];
    check(nodes.includes(answered) && (await page.locator('#chain .chain-link').count()) === chain.links.length,
      `the chain links ${responder.id} to the event it answers, ${answered}`);
    await page.click(`#chain [data-chain-event-id="${answered}"]`);
    await page.waitForSelector(`#chain .chain-node.current[data-chain-event-id="${answered}"]`, { timeout: STEP_TIMEOUT });
    check(true, 'clicking a node of the chain opens that event');
  } else {
    check(nodes.length === 1, 'no event of the store answers another: the chain is the event alone');
  }
  mkdirSync(screenshotDir, { recursive: true });
  await screenshot(page, 'observatory.png');

  // 5. A search of two words lists the documents that hold them next to each other, with
  // the words highlighted.
  const query = 'القوات الأمريكية';
  const found = await api(`/api/search?q=${encodeURIComponent(query)}`);
  check(found.total > 0 && found.total_exact, `the search «${query}» finds ${found.total} documents`);
  await page.fill('#search-input', query);
  await page.press('#search-input', 'Enter');
  await page.waitForSelector('#panel .search-hit', { timeout: STEP_TIMEOUT });
  const hits = await page.$$eval('#panel .search-hit', (items) => items.map((i) => ({
    id: i.dataset.documentId, marks: Array.from(i.querySelectorAll('mark.hit'), (m) => m.textContent),
  })));
  check(hits.length === found.documents.length && hits.every((h, k) => h.id === found.documents[k].id),
    `the panel lists the ${found.documents.length} documents of the search, in order`);
  check(hits.every((h) => h.marks.length > 0 && h.marks.every((m) => m.startsWith('القوات'))),
    'every listed document highlights the two words');
  await page.screenshot({ path: path.join(screenshotDir, 'search.png') });

  // 6. The language toggle changes the labels and the direction, and is remembered.
  const before = { dir: await page.getAttribute('html', 'dir'), label: await page.textContent('#f-reset') };
  await page.click('#lang-toggle');
  const after = { dir: await page.getAttribute('html', 'dir'), label: await page.textContent('#f-reset') };
  check(after.dir !== before.dir && ['ltr', 'rtl'].includes(after.dir), `the toggle flips dir ${before.dir} → ${after.dir}`);
  check(after.label !== before.label, `the toggle changes a label «${before.label}» → «${after.label}»`);
  await page.reload();
  await waitReady(page);
  check(await page.getAttribute('html', 'dir') === after.dir, 'the language is remembered across a reload');
  await screenshot(page, `observatory-${after.dir === 'rtl' ? 'ar' : 'en'}.png`);

  check(problems.length === 0, `no console error and no request off loopback${problems.length ? `:\n  ${problems.join('\n  ')}` : ''}`);
}

const profile = mkdtempSync(path.join(tmpdir(), 'rasid-e2e-chromium-'));
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
  });
  context.on('request', (request) => {
    if (!isLoopback(request.url())) problems.push(`request off loopback: ${request.url()}`);
  });
  const page = context.pages()[0] ?? await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  await run(page);
  console.log(`e2e: all ${checks} checks passed; screenshots in ${screenshotDir}`);
} catch (error) {
  failed = true;
  console.error(`e2e: FAILED after ${checks} checks: ${error.message}`);
  for (const p of problems) console.error(`  ${p}`);
} finally {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
