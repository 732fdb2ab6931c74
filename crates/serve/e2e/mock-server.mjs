// A stand-in for `rasid serve`, for working on the page without building the server:
// the API of crates/serve over the events that `rasid extract` finds in a JSON Lines file
// of documents, and the files of ../web at the paths the server gives them.
//
//   node crates/serve/e2e/mock-server.mjs [--rasid target/release/rasid]
//        [--docs ../shared/eval/seeds.docs.jsonl] [--addr 127.0.0.1:0]
//
// Prints `rasid: serving http://127.0.0.1:PORT/` like the server. Only what the page uses
// is implemented (no sorting but by date, no POST, no change log).

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const web = path.join(here, '..', 'web');

function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const rasid = option('--rasid', 'target/release/rasid');
const docsFile = option('--docs', '../shared/eval/seeds.docs.jsonl');
const [host, port] = option('--addr', '127.0.0.1:0').split(':');

const ingested = new Date().toISOString();
const documents = new Map(
  readFileSync(docsFile, 'utf8').split('\n').filter(Boolean).map((line) => {
    const d = JSON.parse(line);
    return [d.id, { id: d.id, url: d.url ?? null, outlet: d.outlet ?? null,
      published: d.published ?? null, ingested, text: d.text }];
  }),
);
const events = execFileSync(rasid, ['extract', docsFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  .split('\n').filter(Boolean).map((line) => JSON.parse(line));
const byId = new Map(events.map((e) => [e.id, e]));

const files = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/assets/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/assets/app.css': ['app.css', 'text/css; charset=utf-8'],
  '/assets/borders.json': ['borders.json', 'application/json'],
  '/assets/favicon.svg': ['favicon.svg', 'image/svg+xml'],
};

const FILTERS = ['from', 'to', 'country', 'admin1', 'bbox', 'event_type', 'sub_event_type', 'actor', 'min_sources'];

function actorNames(e) {
  return [e.actor1, e.actor2].filter(Boolean).flatMap((a) => [a.name, ...(a.parents ?? [])])
    .map((n) => n.toLowerCase());
}

function matches(e, q) {
  const loc = e.location ?? {};
  if (q.from && !(e.date.end && e.date.end >= q.from)) return false;
  if (q.to && !(e.date.start && e.date.start <= q.to)) return false;
  if (q.country && loc.country !== q.country.toUpperCase()) return false;
  if (q.admin1 && loc.admin1 !== q.admin1) return false;
  if (q.bbox) {
    const [w, s, ea, n] = q.bbox.split(',').map(Number);
    if (!(loc.lon >= w && loc.lon <= ea && loc.lat >= s && loc.lat <= n)) return false;
  }
  if (q.event_type && e.event_type !== q.event_type) return false;
  if (q.sub_event_type && e.sub_event_type !== q.sub_event_type) return false;
  if (q.actor && !actorNames(e).includes(q.actor.toLowerCase())) return false;
  if (q.min_sources && e.docs.length < Number(q.min_sources)) return false;
  return true;
}

function counts(items, key) {
  const m = new Map();
  for (const k of items.flatMap(key)) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1]);
}

function filtered(q, allowed) {
  for (const k of Object.keys(q)) if (!allowed.includes(k)) throw new Error(`unknown parameter ${JSON.stringify(k)}`);
  return events.filter((e) => matches(e, q));
}

const routes = [
  [/^\/api\/events$/, (q) => {
    const found = filtered(q, [...FILTERS, 'limit', 'offset', 'sort'])
      .sort((a, b) => (b.date.start ?? '').localeCompare(a.date.start ?? ''));
    const limit = Number(q.limit ?? 100), offset = Number(q.offset ?? 0);
    if (!(limit >= 1 && limit <= 500)) throw new Error('limit: expected 1..500');
    return { total: found.length, limit, offset, events: found.slice(offset, offset + limit) };
  }],
  [/^\/api\/events\/([^/]+)$/, (q, id) => {
    const event = byId.get(id);
    if (!event) return null;
    return {
      event,
      documents: event.docs.map((d) => { const { text, ...meta } = documents.get(d); return meta; }),
      responds_to: event.responds_to.map((r) => byId.get(r)).filter(Boolean),
      answered_by: events.filter((e) => e.responds_to.includes(id)),
    };
  }],
  [/^\/api\/documents\/([^/]+)$/, (q, id) => {
    const document = documents.get(id);
    if (!document) return null;
    const spans = events.flatMap((e) => e.evidence.filter((s) => s.doc === id)
      .map((s) => ({ event: e.id, field: s.field, start: s.start, end: s.end })));
    return { document, spans };
  }],
  [/^\/api\/chains\/([^/]+)$/, (q, id) => {
    if (!byId.has(id)) return null;
    const seen = new Set([id]);
    const todo = [id];
    const links = [];
    while (todo.length) {
      const e = byId.get(todo.pop());
      const linked = [...e.responds_to.map((to) => ({ from: e.id, to })),
        ...events.filter((o) => o.responds_to.includes(e.id)).map((o) => ({ from: o.id, to: e.id }))];
      for (const l of linked) {
        if (!links.some((k) => k.from === l.from && k.to === l.to)) links.push(l);
        for (const n of [l.from, l.to]) if (!seen.has(n) && byId.has(n)) { seen.add(n); todo.push(n); }
      }
    }
    const chain = [...seen].map((n) => byId.get(n))
      .sort((a, b) => (a.date.start ?? '9').localeCompare(b.date.start ?? '9'));
    return { events: chain, links };
  }],
  [/^\/api\/stats$/, (q) => {
    const found = filtered(q, FILTERS);
    return {
      total: found.length,
      undated: found.filter((e) => !e.date.start).length,
      by_day: counts(found, (e) => (e.date.start ? [e.date.start] : []))
        .map(([day, count]) => ({ day, count })).sort((a, b) => a.day.localeCompare(b.day)),
      by_type: counts(found, (e) => [`${e.event_type}\t${e.sub_event_type}`]).map(([k, count]) => {
        const [event_type, sub_event_type] = k.split('\t');
        return { event_type, sub_event_type, count };
      }),
      by_country: counts(found, (e) => (e.location?.country ? [e.location.country] : []))
        .map(([country, count]) => ({ country, count })),
      by_actor: counts(found, (e) => [e.actor1, e.actor2].filter(Boolean).map((a) => a.name))
        .map(([actor, count]) => ({ actor, count })),
    };
  }],
  [/^\/api\/search$/, (q) => {
    const needle = (q.q ?? '').trim();
    if (!needle) throw new Error('q: expected a query');
    const found = [];
    for (const d of documents.values()) {
      const chars = Array.from(d.text);
      const text = chars.join('');
      const matchList = [];
      for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
        const start = Array.from(text.slice(0, i)).length;
        matchList.push({ start, end: start + Array.from(needle).length });
      }
      if (matchList.length) {
        const start = Math.max(0, matchList[0].start - 60);
        found.push({ id: d.id, published: d.published, outlet: d.outlet, url: d.url, matches: matchList,
          snippet: { text: chars.slice(start, matchList[0].end + 60).join(''), start } });
      }
    }
    return { total: found.length, documents: found };
  }],
];

function send(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Content-Security-Policy': "default-src 'self'",
    'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
  res.end(body);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const file = files[url.pathname];
  if (file) {
    send(res, 200, file[1], readFileSync(path.join(web, file[0])));
    return;
  }
  for (const [pattern, handler] of routes) {
    const m = url.pathname.match(pattern);
    if (!m) continue;
    try {
      const body = handler(Object.fromEntries(url.searchParams), ...m.slice(1).map(decodeURIComponent));
      if (body === null) send(res, 404, 'application/json', JSON.stringify({ error: `unknown id ${m[1]}` }));
      else send(res, 200, 'application/json', JSON.stringify(body));
    } catch (e) {
      send(res, 400, 'application/json', JSON.stringify({ error: e.message }));
    }
    return;
  }
  send(res, 404, 'application/json', JSON.stringify({ error: `no route ${url.pathname}` }));
});
server.listen(Number(port), host, () => {
  console.log(`rasid: serving http://${host}:${server.address().port}/`);
});
