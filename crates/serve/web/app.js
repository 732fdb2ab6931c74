// The observatory page of `rasid serve`: a map, a timeline and a list of the stored events,
// with filters kept in the URL, an event panel that shows every field with the Arabic
// evidence highlighted in the documents, and the retaliation chain of an event.
// No framework and no network beyond the server's own API; every text that comes from the
// API goes into the page through textContent or attributes, never as markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

// ---------------------------------------------------------------------------------------
// Interface labels

const LABELS = {
  en: {
    page_title: 'rasid — conflict-event observatory',
    subtitle: 'conflict-event observatory',
    search: 'Search',
    search_placeholder: 'Search the Arabic documents…',
    other_language: 'العربية',
    country: 'Country',
    all_countries: 'All countries',
    event_type: 'Event type',
    all_types: 'All types',
    all_of_type: 'All: {type}',
    actor: 'Actor',
    any_actor: 'any actor',
    from: 'From',
    to: 'To',
    min_sources: 'Min. sources',
    reset: 'Reset',
    map: 'Map of the events',
    map_help: 'Drag to pan, wheel to zoom, click a point to open its event.',
    zoom_in: 'Zoom in',
    zoom_out: 'Zoom out',
    fit: 'Fit to the events',
    legend_size: 'size: fatalities (minimum)',
    timeline: 'Events per day',
    brush_hint: 'drag to select days · double-click to clear',
    clear_dates: 'Clear dates',
    undated: '{n} undated',
    no_dated: 'No dated events.',
    events: 'Events',
    showing: '{shown} of {total}',
    showing_all: '{total}',
    no_events: 'No events match the filters.',
    col_date: 'Date',
    col_type: 'Type',
    col_place: 'Place',
    col_actors: 'Actors',
    col_fatalities: 'Killed',
    col_sources: 'Sources',
    overview: 'Overview',
    overview_hint: 'Select an event on the map, the timeline or the list to see its fields, sources and the Arabic evidence.',
    total_events: 'Events matching the filters',
    by_type: 'By type',
    top_actors: 'Most frequent actors',
    top_countries: 'By country',
    close: 'Close',
    f_type: 'Type',
    f_date: 'Date',
    f_location: 'Location',
    f_actor1: 'Actor 1',
    f_actor2: 'Actor 2',
    f_weapons: 'Weapons',
    f_fatalities: 'Fatalities',
    f_injured: 'Injured',
    f_responds_to: 'Responds to',
    f_answered_by: 'Answered by',
    f_sources: 'Sources',
    precision: 'precision',
    unknown: 'unknown',
    not_stated: 'not stated',
    admin1: 'Province',
    coordinates: 'Coordinates',
    geo_precision: 'Geo precision',
    inter: 'Inter code',
    part_of: 'Part of',
    as_written: 'as written',
    reported_by: 'claimed or reported by',
    published: 'published',
    open_link: 'original',
    documents: 'Documents and evidence',
    evidence_legend: 'Evidence by field — click a field to emphasise it',
    no_evidence: 'No evidence span in this document.',
    chain: 'Retaliation chain',
    chain_single: 'This event is not linked to another by a response.',
    chain_hint: 'Arrows go from the response to the event it answers.',
    undated_column: 'undated',
    search_results: 'Documents matching «{q}»',
    search_none: 'No document matches.',
    document: 'Document',
    events_in_document: 'Events reported in this document',
    loading: 'Loading…',
    error: 'Error: {message}',
    ev_trigger: 'act',
    ev_date: 'date',
    ev_location: 'place',
    ev_actor1: 'actor 1',
    ev_actor2: 'actor 2',
    ev_weapon: 'weapon',
    ev_fatalities: 'killed',
    ev_injured: 'injured',
    ev_claimant: 'claimant',
    precision_day: 'exact day',
    precision_range: 'range of days',
    precision_month: 'month',
    precision_year: 'year',
    precision_unknown: 'unknown',
    geo_1: '1 — the town or site itself',
    geo_2: '2 — near a town, or part of a region',
    geo_3: '3 — only a province or larger area',
    inter_1: 'state forces',
    inter_2: 'rebel group',
    inter_3: 'political militia',
    inter_4: 'identity militia',
    inter_5: 'rioters',
    inter_6: 'protesters',
    inter_7: 'civilians',
    inter_8: 'external or other forces',
  },
  ar: {
    page_title: 'راصد — مرصد الأحداث',
    subtitle: 'مرصد أحداث النزاع',
    search: 'بحث',
    search_placeholder: 'ابحث في نصوص الوثائق…',
    other_language: 'English',
    country: 'البلد',
    all_countries: 'كل البلدان',
    event_type: 'نوع الحدث',
    all_types: 'كل الأنواع',
    all_of_type: 'الكل: {type}',
    actor: 'الفاعل',
    any_actor: 'أي فاعل',
    from: 'من',
    to: 'إلى',
    min_sources: 'أدنى عدد للمصادر',
    reset: 'إعادة الضبط',
    map: 'خريطة الأحداث',
    map_help: 'اسحب للتحريك، ودوّر العجلة للتكبير، وانقر نقطة لفتح حدثها.',
    zoom_in: 'تكبير',
    zoom_out: 'تصغير',
    fit: 'ملاءمة الأحداث',
    legend_size: 'الحجم: عدد القتلى (الحد الأدنى)',
    timeline: 'الأحداث في كل يوم',
    brush_hint: 'اسحب لتحديد الأيام · انقر مرتين للإلغاء',
    clear_dates: 'مسح التواريخ',
    undated: '{n} بلا تاريخ',
    no_dated: 'لا أحداث مؤرخة.',
    events: 'الأحداث',
    showing: '{shown} من {total}',
    showing_all: '{total}',
    no_events: 'لا أحداث تطابق المرشحات.',
    col_date: 'التاريخ',
    col_type: 'النوع',
    col_place: 'المكان',
    col_actors: 'الفاعلون',
    col_fatalities: 'القتلى',
    col_sources: 'المصادر',
    overview: 'نظرة عامة',
    overview_hint: 'اختر حدثاً على الخريطة أو الخط الزمني أو القائمة لترى حقوله ومصادره والأدلة في النص العربي.',
    total_events: 'الأحداث المطابقة للمرشحات',
    by_type: 'حسب النوع',
    top_actors: 'الفاعلون الأكثر تكراراً',
    top_countries: 'حسب البلد',
    close: 'إغلاق',
    f_type: 'النوع',
    f_date: 'التاريخ',
    f_location: 'المكان',
    f_actor1: 'الفاعل الأول',
    f_actor2: 'الفاعل الثاني',
    f_weapons: 'الأسلحة',
    f_fatalities: 'القتلى',
    f_injured: 'الجرحى',
    f_responds_to: 'رداً على',
    f_answered_by: 'ردّت عليه',
    f_sources: 'المصادر',
    precision: 'الدقة',
    unknown: 'غير معروف',
    not_stated: 'لم يُذكر',
    admin1: 'المحافظة',
    coordinates: 'الإحداثيات',
    geo_precision: 'دقة الموقع',
    inter: 'رمز الفئة',
    part_of: 'ضمن',
    as_written: 'كما ورد',
    reported_by: 'بحسب',
    published: 'نُشر',
    open_link: 'الأصل',
    documents: 'الوثائق والأدلة',
    evidence_legend: 'الأدلة حسب الحقل — انقر حقلاً لإبرازه',
    no_evidence: 'لا دليل من هذه الوثيقة.',
    chain: 'سلسلة الردود',
    chain_single: 'لا يرتبط هذا الحدث بحدث آخر برد.',
    chain_hint: 'تتجه الأسهم من الرد إلى الحدث الذي يرد عليه.',
    undated_column: 'بلا تاريخ',
    search_results: 'الوثائق المطابقة لـ«{q}»',
    search_none: 'لا وثيقة مطابقة.',
    document: 'وثيقة',
    events_in_document: 'الأحداث الواردة في هذه الوثيقة',
    loading: 'جارٍ التحميل…',
    error: 'خطأ: {message}',
    ev_trigger: 'الفعل',
    ev_date: 'التاريخ',
    ev_location: 'المكان',
    ev_actor1: 'الفاعل الأول',
    ev_actor2: 'الفاعل الثاني',
    ev_weapon: 'السلاح',
    ev_fatalities: 'القتلى',
    ev_injured: 'الجرحى',
    ev_claimant: 'المصدر',
    precision_day: 'يوم محدد',
    precision_range: 'مدى أيام',
    precision_month: 'شهر',
    precision_year: 'سنة',
    precision_unknown: 'غير معروف',
    geo_1: '1 — البلدة أو الموقع نفسه',
    geo_2: '2 — قرب بلدة أو جزء من منطقة',
    geo_3: '3 — محافظة أو منطقة أوسع فقط',
    inter_1: 'قوات حكومية',
    inter_2: 'جماعة متمردة',
    inter_3: 'ميليشيا سياسية',
    inter_4: 'ميليشيا هوياتية',
    inter_5: 'مثيرو شغب',
    inter_6: 'محتجون',
    inter_7: 'مدنيون',
    inter_8: 'قوات خارجية أو أخرى',
  },
};

// ACLED's event and sub-event types, and rasid's weapon names, in Arabic.
const TERMS_AR = {
  'Battles': 'معارك',
  'Explosions/Remote violence': 'انفجارات/عنف عن بعد',
  'Violence against civilians': 'عنف ضد المدنيين',
  'Protests': 'احتجاجات',
  'Riots': 'أعمال شغب',
  'Strategic developments': 'تطورات استراتيجية',
  'Armed clash': 'اشتباك مسلح',
  'Government regains territory': 'استعادة الحكومة أراضي',
  'Non-state actor overtakes territory': 'سيطرة جهة غير حكومية على أراضٍ',
  'Chemical weapon': 'سلاح كيميائي',
  'Air/drone strike': 'غارة جوية/بمسيّرة',
  'Suicide bomb': 'تفجير انتحاري',
  'Shelling/artillery/missile attack': 'قصف مدفعي/صاروخي',
  'Remote explosive/landmine/IED': 'عبوة ناسفة/لغم',
  'Grenade': 'قنبلة يدوية',
  'Sexual violence': 'عنف جنسي',
  'Attack': 'هجوم',
  'Abduction/forced disappearance': 'اختطاف/إخفاء قسري',
  'Peaceful protest': 'احتجاج سلمي',
  'Protest with intervention': 'احتجاج مع تدخل',
  'Excessive force against protesters': 'قوة مفرطة ضد المحتجين',
  'Violent demonstration': 'مظاهرة عنيفة',
  'Mob violence': 'عنف جماعي',
  'Agreement': 'اتفاق',
  'Arrests': 'اعتقالات',
  'Change to group/activity': 'تغيّر في جماعة/نشاط',
  'Disrupted weapons use': 'إحباط استخدام سلاح',
  'Headquarters or base established': 'إنشاء مقر أو قاعدة',
  'Looting/property destruction': 'نهب/تدمير ممتلكات',
  'Non-violent transfer of territory': 'انتقال سلمي لأراضٍ',
  'Other': 'أخرى',
  drone: 'طائرة مسيّرة',
  aircraft: 'طيران حربي',
  helicopter: 'مروحية',
  missile: 'صاروخ بعيد المدى',
  rocket: 'صاروخ/قذيفة صاروخية',
  mortar: 'هاون',
  artillery: 'مدفعية',
  ied: 'عبوة ناسفة',
  car_bomb: 'سيارة مفخخة',
  suicide: 'انتحاري',
  grenade: 'قنبلة يدوية',
  small_arms: 'أسلحة خفيفة',
};

const TYPE_COLOURS = {
  'Battles': '#c62828',
  'Explosions/Remote violence': '#ef6c00',
  'Violence against civilians': '#6a1b9a',
  'Protests': '#1565c0',
  'Riots': '#8d6e63',
  'Strategic developments': '#2e7d32',
};
const OTHER_COLOUR = '#607d8b';

// Evidence fields in the order the panel lists them, with the row of the panel each one
// supports.
const EVIDENCE_FIELDS = ['trigger', 'date', 'location', 'actor1', 'actor2', 'weapon', 'fatalities', 'injured', 'claimant'];

let lang = localStorage.getItem('rasid.lang') === 'ar' ? 'ar' : 'en';

function t(key, values = {}) {
  const text = LABELS[lang][key] ?? LABELS.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ''));
}

/** An API term (event type, weapon) in the interface language. */
function term(text) {
  return lang === 'ar' ? (TERMS_AR[text] ?? text) : text;
}

// ---------------------------------------------------------------------------------------
// Small helpers

/** An element with attributes and children (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

function setAttributes(node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.setAttribute('class', value);
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
}

const $ = (selector) => document.querySelector(selector);

/** An identifier or a notation kept left-to-right inside Arabic text. */
function ltr(text, className = 'mono') {
  return el('bdi', { dir: 'ltr', class: className }, text);
}

class ApiError extends Error {}

async function api(path, params = {}) {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== '' && v !== null && v !== undefined));
  const url = query.toString() ? `${path}?${query}` : path;
  const response = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new ApiError(body.error ?? `${response.status} ${response.statusText}`);
  return body;
}

const DAY_MS = 86400000;
const dayNumber = (iso) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const dayIso = (n) => new Date(n * DAY_MS).toISOString().slice(0, 10);

function dateText(date) {
  if (!date || !date.start) return t('unknown');
  return date.start === date.end || !date.end ? date.start : `${date.start} – ${date.end}`;
}

function rangeText(range) {
  if (!range) return t('not_stated');
  return range.min === range.max ? String(range.min) : `${range.min}–${range.max}`;
}

function placeText(location) {
  if (!location) return t('unknown');
  const name = lang === 'ar' ? location.name_ar || location.name : location.name || location.name_ar;
  return [name, location.country && countryName(location.country)].filter(Boolean).join(lang === 'ar' ? '، ' : ', ');
}

function actorName(actor) {
  return actor ? actor.name || actor.name_ar : '';
}

function typeColour(eventType) {
  return TYPE_COLOURS[eventType] ?? OTHER_COLOUR;
}

let borders = null;

function countryName(iso) {
  const country = borders?.countries.find((c) => c.iso === iso);
  if (!country) return iso;
  return lang === 'ar' ? country.name_ar || country.name : country.name;
}

function setStatus(text, isError = false) {
  const status = $('#status');
  status.textContent = text;
  status.classList.toggle('error', isError);
}

function showError(error) {
  setStatus(t('error', { message: error.message }), true);
}

// ---------------------------------------------------------------------------------------
// Filters, kept in the URL query string

const FILTER_KEYS = ['from', 'to', 'country', 'event_type', 'sub_event_type', 'actor', 'min_sources'];

const state = {
  filters: {},
  events: [],
  total: 0,
  totalCount: 0,
  stats: null, // statistics of every filter but the dates: the timeline's histogram
  options: null, // statistics of the whole store: the choices of the filter controls
  selected: null,
};

function readUrl() {
  const params = new URLSearchParams(location.search);
  state.filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) state.filters[key] = value;
  }
  return params.get('event');
}

function writeUrl() {
  const params = new URLSearchParams();
  for (const key of FILTER_KEYS) if (state.filters[key]) params.set(key, state.filters[key]);
  if (state.selected) params.set('event', state.selected);
  const query = params.toString();
  const url = query ? `?${query}` : location.pathname;
  if (url !== location.search) history.replaceState(null, '', url);
}

function datelessFilters() {
  const { from, to, ...rest } = state.filters;
  return rest;
}

function fillFilterControls() {
  const options = state.options;
  if (!options) return;
  const country = $('#f-country');
  country.replaceChildren(
    el('option', { value: '' }, t('all_countries')),
    ...options.by_country.map((c) => el('option', { value: c.country }, `${countryName(c.country)} (${c.count})`)),
  );
  country.value = state.filters.country ?? '';

  const byType = new Map();
  for (const row of options.by_type) {
    if (!byType.has(row.event_type)) byType.set(row.event_type, []);
    byType.get(row.event_type).push(row);
  }
  const type = $('#f-type');
  type.replaceChildren(el('option', { value: '' }, t('all_types')));
  for (const [eventType, rows] of byType) {
    const total = rows.reduce((n, r) => n + r.count, 0);
    type.append(el('optgroup', { label: term(eventType) },
      el('option', { value: `type:${eventType}` }, `${t('all_of_type', { type: term(eventType) })} (${total})`),
      rows.map((r) => el('option', { value: `sub:${eventType}\t${r.sub_event_type}` }, `${term(r.sub_event_type)} (${r.count})`))));
  }
  type.value = state.filters.sub_event_type
    ? `sub:${state.filters.event_type ?? ''}\t${state.filters.sub_event_type}`
    : state.filters.event_type ? `type:${state.filters.event_type}` : '';

  $('#actor-list').replaceChildren(...options.by_actor.map((a) => el('option', { value: a.actor })));
  $('#f-actor').value = state.filters.actor ?? '';
  $('#f-from').value = state.filters.from ?? '';
  $('#f-to').value = state.filters.to ?? '';
  $('#f-min-sources').value = state.filters.min_sources ?? '';
}

function setFilters(changes) {
  const datesOnly = Object.keys(changes).every((k) => k === 'from' || k === 'to');
  for (const [key, value] of Object.entries(changes)) {
    if (value === '' || value === null || value === undefined) delete state.filters[key];
    else state.filters[key] = String(value);
  }
  writeUrl();
  fillFilterControls();
  loadEvents();
  if (!datesOnly) loadHistogram();
  else timeline.render();
}

function bindFilterControls() {
  $('#f-country').addEventListener('change', (e) => setFilters({ country: e.target.value }));
  $('#f-type').addEventListener('change', (e) => {
    const value = e.target.value;
    if (value.startsWith('sub:')) {
      const [eventType, subType] = value.slice(4).split('\t');
      setFilters({ event_type: eventType, sub_event_type: subType });
    } else {
      setFilters({ event_type: value.slice(5), sub_event_type: '' });
    }
  });
  $('#f-actor').addEventListener('change', (e) => setFilters({ actor: e.target.value.trim() }));
  $('#f-from').addEventListener('change', (e) => setFilters({ from: e.target.value }));
  $('#f-to').addEventListener('change', (e) => setFilters({ to: e.target.value }));
  $('#f-min-sources').addEventListener('change', (e) => {
    const n = Number.parseInt(e.target.value, 10);
    setFilters({ min_sources: n >= 1 ? n : '' });
  });
  $('#f-reset').addEventListener('click', () => {
    setFilters(Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])));
  });
  $('#filters').addEventListener('submit', (e) => e.preventDefault());
}

// ---------------------------------------------------------------------------------------
// Map: borders.json drawn in SVG with a Web-Mercator projection, events as circles

const MAX_ZOOM = 4000; // pixels per degree of longitude, a few streets across
const REGION = { minLon: 25, minLat: 10, maxLon: 65, maxLat: 43 };

const mercatorY = (lat) => -Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360)) * (180 / Math.PI);

/** A line or ring of borders.json (delta-encoded units) as projected positions. */
function decodeLine(encoded, unitsPerDegree) {
  const points = [];
  let x = 0;
  let y = 0;
  for (let i = 0; i < encoded.length; i += 2) {
    x += encoded[i];
    y += encoded[i + 1];
    points.push([x / unitsPerDegree, mercatorY(y / unitsPerDegree)]);
  }
  return points;
}

function pathData(lines, close) {
  return lines.map((points) => `M${points.map(([x, y]) => `${x.toFixed(3)} ${y.toFixed(3)}`).join('L')}${close ? 'Z' : ''}`).join('');
}

function fatalityRadius(event) {
  const min = event.fatalities?.min ?? 0;
  return Math.min(24, 5 + 2.6 * Math.sqrt(min));
}

class MapView {
  constructor(container) {
    this.container = container;
    this.svg = container.querySelector('svg');
    this.view = { k: 20, tx: 0, ty: 0 };
    this.events = [];
    this.positions = new Map(); // event id -> [x, y] projected, spread apart where they coincide
    this.sea = svg('rect', { class: 'sea', x: 0, y: 0, width: '100%', height: '100%' });
    this.geo = svg('g', { class: 'geo' });
    this.labels = svg('g', { class: 'labels' });
    this.points = svg('g', { class: 'points' });
    this.svg.append(this.sea, this.geo, this.labels, this.points);
    this.tooltip = container.querySelector('.tooltip');
    this.bindInteraction();
    new ResizeObserver(() => this.resize()).observe(container);
    this.size = this.measure();
  }

  measure() {
    const box = this.svg.getBoundingClientRect();
    return { width: box.width || 800, height: box.height || 500 };
  }

  setBorders(data) {
    const upd = data.units_per_degree;
    const [minLon, minLat, maxLon, maxLat] = data.clip;
    this.bounds = { x0: minLon, x1: maxLon, y0: mercatorY(maxLat), y1: mercatorY(minLat) };
    const land = data.countries.map((c) => svg('path', {
      class: 'land', d: pathData(c.rings.map((r) => decodeLine(r, upd)), true), 'data-iso': c.iso,
    }));
    const lines = (kind) => svg('path', { class: kind, d: pathData(data.lines[kind].map((l) => decodeLine(l, upd)), false) });
    this.geo.replaceChildren(...land, lines('admin1'), lines('coast'), lines('border'));
    this.countryLabels = data.countries.filter((c) => c.label).map((c) => {
      const xs = c.rings.flatMap((r) => decodeLine(r, upd).map((p) => p[0]));
      return { ...c, at: [c.label[0] / upd, mercatorY(c.label[1] / upd)], width: Math.max(...xs) - Math.min(...xs) };
    });
    this.admin1Labels = data.admin1.map((a) => ({ ...a, at: [a.label[0] / upd, mercatorY(a.label[1] / upd)] }));
    this.draw();
  }

  /** Fits the view to a box of degrees, keeping a margin. */
  fit(box) {
    const { width, height } = this.size;
    const x0 = box.minLon;
    const x1 = box.maxLon;
    const y0 = mercatorY(box.maxLat);
    const y1 = mercatorY(box.minLat);
    const k = Math.max(this.minZoom(), Math.min(MAX_ZOOM, width / (x1 - x0), height / (y1 - y0)));
    this.view = { k, tx: width / 2 - (k * (x0 + x1)) / 2, ty: height / 2 - (k * (y0 + y1)) / 2 };
    this.draw();
  }

  fitEvents() {
    const located = this.events.filter((e) => Number.isFinite(e.location?.lat) && Number.isFinite(e.location?.lon));
    if (!located.length) {
      this.fit(REGION);
      return;
    }
    const lons = located.map((e) => e.location.lon);
    const lats = located.map((e) => e.location.lat);
    // A margin of a fifth of the extent, and at least a few degrees around a lone event.
    const pad = (lo, hi, min) => Math.max((hi - lo) * 0.2, (min - (hi - lo)) / 2, 0.5);
    const [minLon, maxLon] = [Math.min(...lons), Math.max(...lons)];
    const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
    const padLon = pad(minLon, maxLon, 4);
    const padLat = pad(minLat, maxLat, 3);
    this.fit({ minLon: minLon - padLon, maxLon: maxLon + padLon, minLat: minLat - padLat, maxLat: maxLat + padLat });
  }

  /** The zoom at which the borders (cut to a box) just fill the map: no cut edge shows. */
  minZoom() {
    if (!this.bounds) return 2;
    const { x0, x1, y0, y1 } = this.bounds;
    return Math.max(this.size.width / (x1 - x0), this.size.height / (y1 - y0));
  }

  /** Keeps the view inside the borders' box. */
  clampView() {
    if (!this.bounds) return;
    const { x0, x1, y0, y1 } = this.bounds;
    const k = Math.max(this.view.k, this.minZoom());
    const clamp = (t, size, lo, hi) => Math.min(-lo * k, Math.max(size - hi * k, t));
    this.view = { k, tx: clamp(this.view.tx, this.size.width, x0, x1), ty: clamp(this.view.ty, this.size.height, y0, y1) };
  }

  zoomAt(factor, sx, sy) {
    const k = Math.min(MAX_ZOOM, Math.max(this.minZoom(), this.view.k * factor));
    const f = k / this.view.k;
    this.view = { k, tx: sx - (sx - this.view.tx) * f, ty: sy - (sy - this.view.ty) * f };
    this.scheduleDraw();
  }

  resize() {
    const old = this.size;
    this.size = this.measure();
    this.view.tx += (this.size.width - old.width) / 2;
    this.view.ty += (this.size.height - old.height) / 2;
    this.scheduleDraw();
  }

  screen([x, y]) {
    return [x * this.view.k + this.view.tx, y * this.view.k + this.view.ty];
  }

  setEvents(events) {
    this.events = events;
    this.positions = new Map();
    const groups = new Map();
    for (const e of events) {
      if (!Number.isFinite(e.location?.lat) || !Number.isFinite(e.location?.lon)) continue;
      const key = `${e.location.lon},${e.location.lat}`;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push(e);
    }
    this.groups = [...groups.values()];
    const radius = new Map(events.map((e) => [e.id, fatalityRadius(e)]));
    // Larger circles first, so that small ones stay clickable on top.
    const order = this.groups.flat().sort((a, b) => radius.get(b.id) - radius.get(a.id));
    this.points.replaceChildren(...order.map((e) => {
      const circle = svg('circle', {
        class: 'point', r: radius.get(e.id).toFixed(1), fill: typeColour(e.event_type),
        'data-event-id': e.id, tabindex: 0, role: 'button',
      });
      circle.addEventListener('pointerenter', () => this.showTooltip(e, circle));
      circle.addEventListener('pointerleave', () => this.hideTooltip());
      circle.addEventListener('click', () => openEvent(e.id));
      circle.addEventListener('keydown', (k) => { if (k.key === 'Enter' || k.key === ' ') openEvent(e.id); });
      return circle;
    }));
    this.container.dataset.points = String(order.length);
    this.markSelected();
    this.draw();
  }

  markSelected() {
    for (const c of this.points.querySelectorAll('.point')) {
      c.classList.toggle('selected', c.dataset.eventId === state.selected);
    }
  }

  scheduleDraw() {
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = null;
      this.draw();
    });
  }

  draw() {
    this.clampView();
    const { k, tx, ty } = this.view;
    this.geo.setAttribute('transform', `matrix(${k} 0 0 ${k} ${tx} ${ty})`);
    this.drawPoints();
    this.drawLabels();
  }

  drawPoints() {
    const circles = new Map([...this.points.children].map((c) => [c.dataset.eventId, c]));
    for (const group of this.groups ?? []) {
      const [cx, cy] = this.screen([group[0].location.lon, mercatorY(group[0].location.lat)]);
      // Events at the same place are spread on a small circle, so each can be hovered.
      const spread = group.length > 1 ? 7 + 2.5 * group.length : 0;
      group.forEach((e, i) => {
        const angle = (2 * Math.PI * i) / group.length - Math.PI / 2;
        const x = cx + spread * Math.cos(angle);
        const y = cy + spread * Math.sin(angle);
        this.positions.set(e.id, [x, y]);
        const c = circles.get(e.id);
        c.setAttribute('cx', x.toFixed(1));
        c.setAttribute('cy', y.toFixed(1));
      });
    }
  }

  drawLabels() {
    if (!this.countryLabels) return;
    const { width, height } = this.size;
    const inside = ([x, y]) => x > 20 && x < width - 20 && y > 12 && y < height - 12;
    const labels = [];
    for (const c of this.countryLabels) {
      const at = this.screen(c.at);
      if (c.width * this.view.k < 70 || !inside(at)) continue;
      labels.push(svg('text', { class: 'country-label', x: at[0].toFixed(1), y: at[1].toFixed(1) },
        lang === 'ar' ? c.name_ar || c.name : c.name));
    }
    if (this.view.k > 110) {
      for (const a of this.admin1Labels) {
        const at = this.screen(a.at);
        if (!inside(at)) continue;
        const name = lang === 'ar' ? a.name_ar.replace(/^(محافظة|ولاية|منطقة|إقليم) /, '') : a.name;
        labels.push(svg('text', { class: 'admin1-label', x: at[0].toFixed(1), y: at[1].toFixed(1) }, name));
      }
    }
    this.labels.replaceChildren(...labels);
  }

  showTooltip(event, circle) {
    const actors = [actorName(event.actor1), actorName(event.actor2)].filter(Boolean).join(' → ');
    this.tooltip.replaceChildren(
      el('strong', {}, term(event.sub_event_type || event.event_type)),
      el('div', {}, dateText(event.date)),
      el('div', {}, placeText(event.location)),
      actors ? el('div', { class: 'muted' }, actors) : null,
      event.fatalities ? el('div', {}, `${t('f_fatalities')}: ${rangeText(event.fatalities)}`) : null,
    );
    this.tooltip.hidden = false;
    const box = this.container.getBoundingClientRect();
    const point = circle.getBoundingClientRect();
    const x = point.left + point.width / 2 - box.left;
    const y = point.top - box.top;
    this.tooltip.style.left = `${Math.min(Math.max(x, 120), box.width - 120)}px`;
    this.tooltip.style.top = `${y}px`;
  }

  hideTooltip() {
    this.tooltip.hidden = true;
  }

  bindInteraction() {
    let drag = null;
    this.svg.addEventListener('pointerdown', (e) => {
      if (e.button !== 0 || e.target.closest('.point')) return;
      drag = { x: e.clientX, y: e.clientY, tx: this.view.tx, ty: this.view.ty };
      this.svg.setPointerCapture(e.pointerId);
      this.svg.classList.add('dragging');
    });
    this.svg.addEventListener('pointermove', (e) => {
      if (!drag) return;
      this.view.tx = drag.tx + e.clientX - drag.x;
      this.view.ty = drag.ty + e.clientY - drag.y;
      this.scheduleDraw();
    });
    const end = () => {
      drag = null;
      this.svg.classList.remove('dragging');
    };
    this.svg.addEventListener('pointerup', end);
    this.svg.addEventListener('pointercancel', end);
    this.svg.addEventListener('wheel', (e) => {
      e.preventDefault();
      const box = this.svg.getBoundingClientRect();
      this.zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - box.left, e.clientY - box.top);
    }, { passive: false });
    this.svg.addEventListener('dblclick', (e) => {
      if (e.target.closest('.point')) return;
      const box = this.svg.getBoundingClientRect();
      this.zoomAt(2, e.clientX - box.left, e.clientY - box.top);
    });
    const centre = () => [this.size.width / 2, this.size.height / 2];
    $('#zoom-in').addEventListener('click', () => this.zoomAt(2, ...centre()));
    $('#zoom-out').addEventListener('click', () => this.zoomAt(0.5, ...centre()));
    $('#zoom-fit').addEventListener('click', () => this.fitEvents());
  }

  /** Where the point of an event is, in viewport coordinates (for tests and tools). */
  pointScreenPosition(id) {
    const at = this.positions.get(id);
    if (!at) return null;
    const box = this.svg.getBoundingClientRect();
    return { x: box.left + at[0], y: box.top + at[1] };
  }
}

function renderLegend() {
  const types = [...new Set(state.events.map((e) => e.event_type))];
  $('#legend').replaceChildren(
    ...types.map((type) => el('div', { class: 'legend-row' },
      svg('svg', { width: 12, height: 12, 'aria-hidden': 'true' }, svg('circle', { cx: 6, cy: 6, r: 5, fill: typeColour(type) })),
      el('span', {}, term(type)))),
    el('div', { class: 'legend-row muted' },
      svg('svg', { width: 22, height: 18, 'aria-hidden': 'true' },
        svg('circle', { cx: 5, cy: 13, r: 4, class: 'legend-size' }),
        svg('circle', { cx: 15, cy: 10, r: 7, class: 'legend-size' })),
      el('span', {}, t('legend_size'))),
  );
}

// ---------------------------------------------------------------------------------------
// Timeline: a histogram of events per day, with a brush that sets the date filters

class Timeline {
  constructor(container) {
    this.container = container;
    this.byDay = [];
    new ResizeObserver(() => this.render()).observe(container);
    $('#brush-clear').addEventListener('click', () => setFilters({ from: '', to: '' }));
  }

  setDays(byDay) {
    this.byDay = byDay;
    this.render();
  }

  /** The day range shown: the histogram's days and the filter's, with a day either side. */
  range() {
    const days = this.byDay.map((d) => dayNumber(d.day));
    for (const key of ['from', 'to']) if (state.filters[key]) days.push(dayNumber(state.filters[key]));
    if (!days.length) return null;
    return [Math.min(...days) - 1, Math.max(...days) + 1];
  }

  render() {
    const width = this.container.clientWidth || 600;
    const height = this.container.clientHeight || 100;
    const range = this.range();
    const { from, to } = state.filters;
    $('#brush-clear').hidden = !(from || to);
    if (!range) {
      this.container.replaceChildren(el('p', { class: 'hint' }, t('no_dated')));
      return;
    }
    const margin = { left: 28, right: 12, top: 8, bottom: 20 };
    const [d0, d1] = range;
    const perDay = (width - margin.left - margin.right) / (d1 - d0 + 1);
    const x = (day) => margin.left + (day - d0) * perDay;
    this.dayAt = (px) => Math.min(d1, Math.max(d0, Math.floor((px - margin.left) / perDay) + d0));
    const maxCount = Math.max(1, ...this.byDay.map((d) => d.count));
    const plotHeight = height - margin.top - margin.bottom;
    const y = (count) => margin.top + plotHeight * (1 - count / maxCount);

    const chart = svg('svg', { class: 'timeline-svg', width, height, role: 'img', 'aria-label': t('timeline') });
    // Axis: a tick per month when the range is long, else per day.
    const ticks = svg('g', { class: 'axis' });
    const long = d1 - d0 > 45;
    const format = new Intl.DateTimeFormat(lang === 'ar' ? 'ar-u-nu-latn' : 'en', long
      ? { month: 'short', year: '2-digit', timeZone: 'UTC' } : { month: 'short', day: 'numeric', timeZone: 'UTC' });
    let lastLabelX = -Infinity;
    for (let day = d0; day <= d1; day += 1) {
      const date = new Date(day * DAY_MS);
      if (long ? date.getUTCDate() !== 1 : false) continue;
      const px = x(day);
      ticks.append(svg('line', { x1: px, x2: px, y1: height - margin.bottom, y2: height - margin.bottom + 4 }));
      if (px - lastLabelX > 52) {
        ticks.append(svg('text', { x: px + 2, y: height - 5 }, format.format(date)));
        lastLabelX = px;
      }
    }
    ticks.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: height - margin.bottom, y2: height - margin.bottom }));
    ticks.append(svg('text', { x: margin.left - 6, y: margin.top + 8, class: 'count-label' }, String(maxCount)));
    chart.append(ticks);

    const inRange = (day) => (!from || day >= from) && (!to || day <= to);
    const bars = svg('g', { class: 'bars' });
    for (const d of this.byDay) {
      const px = x(dayNumber(d.day));
      bars.append(svg('rect', {
        class: inRange(d.day) ? 'bar' : 'bar out', x: px.toFixed(2), y: y(d.count).toFixed(2),
        width: Math.max(2.5, perDay - 1).toFixed(2), height: (height - margin.bottom - y(d.count)).toFixed(2),
        'data-day': d.day, 'data-count': d.count,
      }, svg('title', {}, `${d.day}: ${d.count}`)));
    }
    chart.append(bars);

    const brush = svg('rect', { class: 'brush', y: margin.top - 4, height: plotHeight + 4 });
    const showBrush = (a, b) => {
      brush.setAttribute('x', x(a).toFixed(2));
      brush.setAttribute('width', Math.max(2, x(b + 1) - x(a)).toFixed(2));
      brush.style.display = '';
    };
    brush.style.display = 'none';
    if (from || to) showBrush(from ? dayNumber(from) : d0, to ? dayNumber(to) : d1);
    chart.append(brush);

    let start = null;
    chart.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      start = e.clientX - chart.getBoundingClientRect().left;
      chart.setPointerCapture(e.pointerId);
    });
    chart.addEventListener('pointermove', (e) => {
      if (start === null) return;
      const px = e.clientX - chart.getBoundingClientRect().left;
      const [a, b] = [this.dayAt(Math.min(start, px)), this.dayAt(Math.max(start, px))];
      showBrush(a, b);
    });
    chart.addEventListener('pointerup', (e) => {
      if (start === null) return;
      const px = e.clientX - chart.getBoundingClientRect().left;
      const moved = Math.abs(px - start) > 3;
      const [a, b] = [this.dayAt(Math.min(start, px)), this.dayAt(Math.max(start, px))];
      start = null;
      if (moved) setFilters({ from: dayIso(a), to: dayIso(b) });
    });
    chart.addEventListener('dblclick', () => setFilters({ from: '', to: '' }));
    this.container.replaceChildren(chart);
  }
}

// ---------------------------------------------------------------------------------------
// Loading

let mapView;
let timeline;
let eventsRequest = 0;

async function loadEvents() {
  const request = ++eventsRequest;
  document.body.dataset.state = 'loading';
  setStatus(t('loading'));
  try {
    const result = await api('/api/events', { ...state.filters, limit: 500 });
    if (request !== eventsRequest) return;
    state.events = result.events;
    // past the API's count cap the total is a lower bound
    state.total = result.total_exact === false ? `${result.total}+` : result.total;
    state.totalCount = result.total;
    mapView.setEvents(state.events);
    renderLegend();
    renderResults();
    if (!state.selected) renderOverview();
    setStatus('');
    document.body.dataset.state = 'ready';
  } catch (error) {
    if (request !== eventsRequest) return;
    showError(error);
    document.body.dataset.state = 'error';
  }
}

let histogramRequest = 0;

async function loadHistogram() {
  const request = ++histogramRequest;
  try {
    const stats = await api('/api/stats', datelessFilters());
    if (request !== histogramRequest) return;
    state.stats = stats;
    $('#undated').textContent = stats.undated ? t('undated', { n: stats.undated }) : '';
    timeline.setDays(stats.by_day);
    if (!state.selected) renderOverview();
  } catch (error) {
    showError(error);
  }
}

// ---------------------------------------------------------------------------------------
// Results list

function renderResults() {
  const rows = state.events.map((e) => {
    const row = el('tr', { 'data-event-id': e.id, tabindex: 0, class: e.id === state.selected ? 'selected' : null },
      el('td', { class: 'nowrap' }, dateText(e.date)),
      el('td', {}, el('span', { class: 'type-dot', 'data-type': e.event_type }), term(e.sub_event_type || e.event_type)),
      el('td', {}, placeText(e.location)),
      el('td', {}, [actorName(e.actor1), actorName(e.actor2)].filter(Boolean).join(' → ')),
      el('td', { class: 'num' }, e.fatalities ? rangeText(e.fatalities) : '–'),
      el('td', { class: 'num' }, String(e.docs.length)));
    row.addEventListener('click', () => openEvent(e.id));
    row.addEventListener('keydown', (k) => { if (k.key === 'Enter') openEvent(e.id); });
    return row;
  });
  $('#results tbody').replaceChildren(...rows);
  if (!rows.length) {
    $('#results tbody').append(el('tr', {}, el('td', { colspan: 6, class: 'hint' }, t('no_events'))));
  }
  $('#results-count').textContent = state.events.length < state.totalCount
    ? t('showing', { shown: state.events.length, total: state.total })
    : t('showing_all', { total: state.total });
  for (const dot of document.querySelectorAll('.type-dot')) dot.style.background = typeColour(dot.dataset.type);
}

// ---------------------------------------------------------------------------------------
// Panel: overview, event, document, search results

const panel = () => $('#panel');

function panelHeader(title, subtitle) {
  const close = el('button', { type: 'button', class: 'quiet close', 'aria-label': t('close'), title: t('close') }, '×');
  close.addEventListener('click', closePanel);
  return el('div', { class: 'panel-head' }, el('div', {}, el('h2', {}, title), subtitle ? el('div', { class: 'muted' }, subtitle) : null), close);
}

function closePanel() {
  state.selected = null;
  writeUrl();
  mapView.markSelected();
  renderResults();
  renderOverview();
}

function countList(rows, label, name) {
  return el('section', { class: 'overview-list' }, el('h3', {}, label),
    el('ol', {}, rows.slice(0, 8).map((r) => el('li', {}, el('span', {}, name(r)), el('span', { class: 'num' }, String(r.count))))));
}

function renderOverview() {
  const stats = state.stats;
  panel().dataset.view = 'overview';
  panel().replaceChildren(
    el('div', { class: 'panel-head' }, el('h2', {}, t('overview'))),
    el('p', { class: 'hint' }, t('overview_hint')),
    el('p', { class: 'big-number' }, el('strong', {}, String(state.total)), ' ', t('total_events')),
    stats ? countList(stats.by_type, t('by_type'), (r) => `${term(r.event_type)} — ${term(r.sub_event_type)}`) : null,
    stats ? countList(stats.by_country, t('top_countries'), (r) => countryName(r.country)) : null,
    stats ? countList(stats.by_actor, t('top_actors'), (r) => r.actor) : null,
  );
}

function showPanelError(error) {
  panel().replaceChildren(panelHeader(t('error', { message: '' })), el('p', { class: 'error' }, error.message));
}

function eventLink(event) {
  const link = el('button', { type: 'button', class: 'link', 'data-open-event': event.id },
    `${term(event.sub_event_type || event.event_type)} · ${dateText(event.date)} · ${placeText(event.location)}`);
  link.addEventListener('click', () => openEvent(event.id));
  return link;
}

/** One row of the field list; its name emphasises the evidence of `field` in the texts. */
function fieldRow(labelKey, field, ...value) {
  const name = el('button', { type: 'button', class: 'field-name', 'data-evidence-field': field ?? null, disabled: !field },
    field ? el('span', { class: 'swatch', 'data-field': field }) : null, t(labelKey));
  if (field) name.addEventListener('click', () => emphasise(field));
  return [el('dt', {}, name), el('dd', {}, ...value)];
}

function actorValue(actor) {
  if (!actor) return t('unknown');
  return el('div', {},
    el('div', {}, el('strong', {}, actor.name)),
    actor.name_ar ? el('div', { class: 'small' }, el('span', { class: 'muted' }, `${t('as_written')}: `),
      el('bdi', { lang: 'ar', dir: 'rtl' }, actor.name_ar)) : null,
    el('div', { class: 'muted small' },
      `${t('inter')} ${actor.inter ?? '–'}${actor.inter ? ` (${t(`inter_${actor.inter}`)})` : ''}`,
      actor.country ? ` · ${countryName(actor.country)}` : ''),
    actor.parents?.length ? el('div', { class: 'small' }, `${t('part_of')}: `, actor.parents.join(' ⊂ ')) : null);
}

function locationValue(loc) {
  if (!loc) return t('unknown');
  const coordinates = Number.isFinite(loc.lat) ? `${loc.lat.toFixed(4)}, ${loc.lon.toFixed(4)}` : t('unknown');
  return el('div', {},
    el('div', {}, el('strong', {}, loc.name ?? t('unknown')), loc.name_ar ? [' ', el('bdi', { lang: 'ar', dir: 'rtl' }, loc.name_ar)] : null),
    el('div', { class: 'small' }, [loc.admin2, loc.admin1 ? `${t('admin1')}: ${loc.admin1}` : null, loc.country ? countryName(loc.country) : null]
      .filter(Boolean).join(' · ')),
    el('div', { class: 'small muted' }, `${t('coordinates')}: `, ltr(coordinates, 'small')),
    el('div', { class: 'small muted' }, `${t('geo_precision')}: ${loc.precision ? t(`geo_${loc.precision}`) : t('unknown')}`));
}

function sourcesValue(event, documents) {
  return el('ul', { class: 'sources' }, documents.map((d) => {
    const claimants = event.sources.filter((s) => s.doc === d.id && s.claimant).map((s) => s.claimant);
    return el('li', {},
      el('strong', {}, d.outlet ?? d.id), d.published ? ` · ${t('published')} ${d.published}` : '',
      d.url ? [' · ', el('a', { href: d.url, rel: 'noopener noreferrer', target: '_blank' }, t('open_link'))] : null,
      claimants.length ? el('div', { class: 'small' }, `${t('reported_by')}: ${claimants.join('، ')}`) : null,
      el('div', { class: 'small muted' }, ltr(d.id)));
  }));
}

let panelRequest = 0;

async function openEvent(id) {
  const request = ++panelRequest;
  state.selected = id;
  writeUrl();
  mapView.markSelected();
  for (const row of document.querySelectorAll('#results tr[data-event-id]')) row.classList.toggle('selected', row.dataset.eventId === id);
  panel().dataset.view = 'event';
  panel().replaceChildren(el('p', { class: 'hint' }, t('loading')));
  try {
    const detail = await api(`/api/events/${encodeURIComponent(id)}`);
    const documents = await Promise.all(detail.event.docs.map((doc) => api(`/api/documents/${encodeURIComponent(doc)}`)));
    if (request !== panelRequest) return;
    renderEvent(detail, documents);
    loadChain(id, request);
  } catch (error) {
    if (request === panelRequest) showPanelError(error);
  }
}

function renderEvent(detail, documents) {
  const e = detail.event;
  const date = el('div', {}, el('strong', {}, dateText(e.date)),
    el('span', { class: 'muted' }, ` · ${t('precision')}: ${t(`precision_${e.date?.precision ?? 'unknown'}`)}`));
  const fields = el('dl', { class: 'fields' },
    fieldRow('f_type', 'trigger', el('div', {}, el('span', { class: 'type-dot', 'data-type': e.event_type }),
      el('strong', {}, term(e.sub_event_type)), el('div', { class: 'muted small' }, term(e.event_type)))),
    fieldRow('f_date', 'date', date),
    fieldRow('f_location', 'location', locationValue(e.location)),
    fieldRow('f_actor1', 'actor1', actorValue(e.actor1)),
    fieldRow('f_actor2', 'actor2', actorValue(e.actor2)),
    fieldRow('f_weapons', 'weapon', e.weapons?.length ? e.weapons.map(term).join('، ') : t('not_stated')),
    fieldRow('f_fatalities', 'fatalities', rangeText(e.fatalities)),
    fieldRow('f_injured', 'injured', rangeText(e.injured)),
    detail.responds_to.length ? fieldRow('f_responds_to', null, detail.responds_to.map(eventLink)) : null,
    detail.answered_by.length ? fieldRow('f_answered_by', null, detail.answered_by.map(eventLink)) : null,
    fieldRow('f_sources', 'claimant', sourcesValue(e, detail.documents)));
  for (const dot of fields.querySelectorAll('.type-dot')) dot.style.background = typeColour(dot.dataset.type);

  const legend = el('div', { class: 'evidence-legend' }, el('span', { class: 'muted small' }, t('evidence_legend')),
    EVIDENCE_FIELDS.filter((f) => e.evidence.some((s) => s.field === f)).map((f) => {
      const b = el('button', { type: 'button', class: 'chip', 'data-evidence-field': f }, el('span', { class: 'swatch', 'data-field': f }), t(`ev_${f}`));
      b.addEventListener('click', () => emphasise(f));
      return b;
    }));
  const texts = documents.map(({ document: d, spans }) => {
    const own = spans.filter((s) => s.event === e.id);
    return el('article', { class: 'document', 'data-document-id': d.id },
      el('header', { class: 'document-head' }, el('strong', {}, d.outlet ?? t('document')),
        d.published ? ` · ${d.published}` : '', el('span', { class: 'muted small' }, ' · ', ltr(d.id))),
      own.length ? null : el('p', { class: 'hint' }, t('no_evidence')),
      evidenceText(d.text, own));
  });

  delete panel().dataset.emphasis;
  panel().replaceChildren(
    panelHeader(term(e.sub_event_type || e.event_type), ltr(e.id, 'mono small')),
    fields,
    el('section', { id: 'chain', class: 'chain' }, el('h3', {}, t('chain')), el('p', { class: 'hint' }, t('loading'))),
    el('section', { class: 'documents' }, el('h3', {}, t('documents')), legend, texts),
  );
  panel().scrollTop = 0;
}

/**
 * The text with its evidence spans as <mark> elements. Spans are in Unicode scalar values,
 * hence Array.from. Overlapping spans are cut into segments; a segment is coloured by the
 * shortest span over it (the most specific) and lists every field in data-fields and title.
 */
function evidenceText(text, spans) {
  const chars = Array.from(text);
  const cuts = new Set([0, chars.length]);
  for (const s of spans) {
    cuts.add(Math.max(0, Math.min(chars.length, s.start)));
    cuts.add(Math.max(0, Math.min(chars.length, s.end)));
  }
  const bounds = [...cuts].sort((a, b) => a - b);
  const out = el('div', { class: 'document-text', dir: 'rtl', lang: 'ar' });
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    const [start, end] = [bounds[i], bounds[i + 1]];
    const piece = chars.slice(start, end).join('');
    const over = spans.filter((s) => s.start <= start && s.end >= end)
      .sort((a, b) => (a.end - a.start) - (b.end - b.start));
    if (!over.length) {
      out.append(piece);
      continue;
    }
    const fields = [...new Set(over.map((s) => s.field))];
    out.append(el('mark', {
      'data-field': over[0].field, 'data-fields': fields.join(' '), 'data-start': start, 'data-end': end,
      title: fields.map((f) => t(`ev_${f}`)).join(' + '),
    }, piece));
  }
  return out;
}

function emphasise(field) {
  const root = panel();
  const same = root.dataset.emphasis === field;
  delete root.dataset.emphasis;
  for (const m of root.querySelectorAll('mark.emph')) m.classList.remove('emph');
  for (const b of root.querySelectorAll('[data-evidence-field].active')) b.classList.remove('active');
  if (same) return;
  root.dataset.emphasis = field;
  const marks = [...root.querySelectorAll('mark[data-fields]')].filter((m) => m.dataset.fields.split(' ').includes(field));
  for (const m of marks) m.classList.add('emph');
  for (const b of root.querySelectorAll(`[data-evidence-field="${field}"]`)) b.classList.add('active');
  marks[0]?.scrollIntoView({ block: 'center', behavior: 'smooth' });
}

// ---------------------------------------------------------------------------------------
// Chain view: the events linked by responses, left to right in time

async function loadChain(id, request) {
  try {
    const chain = await api(`/api/chains/${encodeURIComponent(id)}`);
    if (request !== panelRequest) return;
    $('#chain').replaceChildren(el('h3', {}, t('chain')),
      el('p', { class: 'hint' }, chain.links.length ? t('chain_hint') : t('chain_single')),
      chainGraph(chain, id));
  } catch (error) {
    if (request === panelRequest) $('#chain').replaceChildren(el('h3', {}, t('chain')), el('p', { class: 'error' }, error.message));
  }
}

function chainGraph(chain, currentId) {
  // One column per distinct start day (undated events last), events of a day stacked.
  const columns = new Map();
  for (const e of chain.events) {
    const key = e.date?.start ?? '';
    if (!columns.has(key)) columns.set(key, []);
    columns.get(key).push(e);
  }
  const keys = [...columns.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  const node = { width: 168, height: 58, gapX: 56, gapY: 14 };
  const top = 26;
  const left = 40; // room for the links between events of one day, drawn on the left
  const place = new Map();
  keys.forEach((key, column) => columns.get(key).forEach((e, row) => {
    place.set(e.id, { x: left + column * (node.width + node.gapX), y: top + row * (node.height + node.gapY) });
  }));
  const rows = Math.max(...[...columns.values()].map((c) => c.length));
  const width = left + 8 + keys.length * (node.width + node.gapX) - node.gapX;
  const height = top + rows * (node.height + node.gapY) + 4;
  // Node texts start on the side the interface language reads from.
  const rtl = lang === 'ar';
  const textX = rtl ? node.width - 12 : 12;
  const graph = svg('svg', { class: rtl ? 'chain-svg rtl' : 'chain-svg', width, height, viewBox: `0 0 ${width} ${height}` });
  graph.append(svg('defs', {}, svg('marker', {
    id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse',
  }, svg('path', { d: 'M0 0L10 5L0 10z', class: 'arrow-head' }))));
  keys.forEach((key, column) => {
    const label = key === '' ? t('undated_column') : key;
    const gap = column > 0 && key && keys[column - 1] ? ` (+${dayNumber(key) - dayNumber(keys[column - 1])})` : '';
    graph.append(svg('text', { class: 'chain-day', x: left + column * (node.width + node.gapX), y: 14 }, label + gap));
  });
  for (const link of chain.links) {
    const from = place.get(link.from);
    const to = place.get(link.to);
    if (!from || !to) continue;
    // From the responder's left side to the answered event's right side (or around, when
    // both stand in one column).
    const [x1, y1] = [from.x, from.y + node.height / 2];
    const earlier = to.x < from.x;
    const [x2, y2] = [earlier ? to.x + node.width : to.x, to.y + node.height / 2];
    const [c1, c2] = earlier ? [x1 - (x1 - x2) / 2, x2 + (x1 - x2) / 2] : [x1 - left + 6, x2 - left + 6];
    graph.append(svg('path', {
      class: 'chain-link', d: `M${x1} ${y1}C${c1} ${y1} ${c2} ${y2} ${x2} ${y2}`, 'marker-end': 'url(#arrow)',
    }));
  }
  for (const e of chain.events) {
    const at = place.get(e.id);
    const g = svg('g', {
      class: e.id === currentId ? 'chain-node current' : 'chain-node', 'data-chain-event-id': e.id,
      transform: `translate(${at.x} ${at.y})`, tabindex: 0, role: 'button',
    },
    svg('rect', { width: node.width, height: node.height, rx: 6 }),
    svg('rect', { class: 'chain-type', x: rtl ? node.width - 5 : 0, width: 5, height: node.height, rx: 2, fill: typeColour(e.event_type) }),
    svg('text', { x: textX, y: 17, class: 'chain-title' }, clip(term(e.sub_event_type || e.event_type), 24)),
    svg('text', { x: textX, y: 33 }, dateText(e.date)),
    svg('text', { x: textX, y: 49, class: 'muted' }, clip(placeText(e.location), 26)));
    g.addEventListener('click', () => openEvent(e.id));
    g.addEventListener('keydown', (k) => { if (k.key === 'Enter') openEvent(e.id); });
    graph.append(g);
  }
  return el('div', { class: 'chain-scroll' }, graph);
}

function clip(text, length) {
  const chars = Array.from(text);
  return chars.length > length ? `${chars.slice(0, length - 1).join('')}…` : text;
}

// ---------------------------------------------------------------------------------------
// Search and single documents

async function search(query) {
  const request = ++panelRequest;
  panel().dataset.view = 'search';
  panel().replaceChildren(el('p', { class: 'hint' }, t('loading')));
  try {
    const result = await api('/api/search', { q: query });
    if (request !== panelRequest) return;
    const items = result.documents.map((d) => {
      const item = el('li', { class: 'search-hit', tabindex: 0, 'data-document-id': d.id },
        el('div', {}, el('strong', {}, d.outlet ?? d.id), d.published ? ` · ${d.published}` : ''),
        snippet(d));
      item.addEventListener('click', () => openDocument(d.id));
      item.addEventListener('keydown', (k) => { if (k.key === 'Enter') openDocument(d.id); });
      return item;
    });
    panel().replaceChildren(panelHeader(t('search_results', { q: query }), result.total_exact === false ? `${result.total}+` : `${result.total}`),
      items.length ? el('ol', { class: 'search-hits' }, items) : el('p', { class: 'hint' }, t('search_none')));
  } catch (error) {
    if (request === panelRequest) showPanelError(error);
  }
}

function snippet(hit) {
  const chars = Array.from(hit.snippet.text);
  const start = hit.snippet.start;
  const out = el('p', { class: 'snippet', dir: 'rtl', lang: 'ar' }, start > 0 ? '…' : null);
  let at = 0;
  for (const m of hit.matches) {
    const [a, b] = [m.start - start, m.end - start];
    if (a < at || b > chars.length) continue;
    out.append(chars.slice(at, a).join(''), el('mark', { class: 'hit' }, chars.slice(a, b).join('')));
    at = b;
  }
  out.append(chars.slice(at).join(''));
  return out;
}

async function openDocument(id) {
  const request = ++panelRequest;
  panel().dataset.view = 'document';
  try {
    const { document: d, spans } = await api(`/api/documents/${encodeURIComponent(id)}`);
    if (request !== panelRequest) return;
    const eventIds = [...new Set(spans.map((s) => s.event))];
    const links = eventIds.map((eventId) => {
      const b = el('button', { type: 'button', class: 'link', 'data-open-event': eventId }, ltr(eventId));
      b.addEventListener('click', () => openEvent(eventId));
      return el('li', {}, b);
    });
    panel().replaceChildren(panelHeader(d.outlet ?? t('document'), `${d.published ?? ''} · ${d.id}`),
      d.url ? el('p', {}, el('a', { href: d.url, rel: 'noopener noreferrer', target: '_blank' }, d.url)) : null,
      el('h3', {}, t('events_in_document')), el('ul', { class: 'doc-events' }, links),
      el('article', { class: 'document' }, evidenceText(d.text, spans)));
  } catch (error) {
    if (request === panelRequest) showPanelError(error);
  }
}

// ---------------------------------------------------------------------------------------
// Language

function applyLanguage() {
  const root = document.documentElement;
  root.lang = lang;
  root.dir = lang === 'ar' ? 'rtl' : 'ltr';
  document.title = t('page_title');
  for (const node of document.querySelectorAll('[data-i18n]')) node.textContent = t(node.dataset.i18n);
  for (const node of document.querySelectorAll('[data-i18n-placeholder]')) node.placeholder = t(node.dataset.i18nPlaceholder);
  for (const node of document.querySelectorAll('[data-i18n-title]')) node.title = t(node.dataset.i18nTitle);
  for (const node of document.querySelectorAll('[data-i18n-label]')) node.setAttribute('aria-label', t(node.dataset.i18nLabel));
  $('#lang-toggle').textContent = t('other_language');
  $('#lang-toggle').lang = lang === 'ar' ? 'en' : 'ar';
}

function toggleLanguage() {
  lang = lang === 'ar' ? 'en' : 'ar';
  localStorage.setItem('rasid.lang', lang);
  applyLanguage();
  fillFilterControls();
  renderLegend();
  renderResults();
  mapView.drawLabels();
  timeline.render();
  $('#undated').textContent = state.stats?.undated ? t('undated', { n: state.stats.undated }) : '';
  if (state.selected) openEvent(state.selected);
  else if (panel().dataset.view === 'overview') renderOverview();
}

// ---------------------------------------------------------------------------------------
// Start

async function start() {
  applyLanguage();
  const openId = readUrl();
  state.selected = openId;
  mapView = new MapView($('#map'));
  timeline = new Timeline($('#timeline'));
  window.rasidMap = {
    pointScreenPosition: (id) => mapView.pointScreenPosition(id),
    pointCount: () => mapView.points.childElementCount,
  };
  bindFilterControls();
  $('#lang-toggle').addEventListener('click', toggleLanguage);
  $('#search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    const query = $('#search-input').value.trim();
    if (query) search(query);
  });
  document.addEventListener('keydown', (e) => { if (e.key === 'Escape' && state.selected) closePanel(); });

  try {
    const [bordersData, options] = await Promise.all([api('/assets/borders.json'), api('/api/stats')]);
    borders = bordersData;
    state.options = options;
    mapView.setBorders(borders);
  } catch (error) {
    showError(error);
  }
  fillFilterControls();
  await Promise.all([loadEvents(), loadHistogram()]);
  mapView.fitEvents();
  if (openId) openEvent(openId);
  else renderOverview();
}

start();
