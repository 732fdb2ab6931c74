//! `rasid-ingest-bench`: documents per second of `rasid ingest` into a fresh SQLite store,
//! the final database size, the share of the time spent in the store (SQLite reads and
//! writes) and the share outside extraction (store, search terms and merge),
//! single-threaded. See `README.md`.

mod scale;

use rasid_bench::{exit_status, read_docs, time_runs, varied_corpus, Flags, Stats, MB};
use rasid_lexicons::Lexicons;
use rasid_merge::{Event, Sketch};
use rasid_resolution::resolve_document;
use rasid_store::{
    ingest, Batch, Counts, DocumentMeta, EventState, IngestOptions, Probe, SqliteStore, Store,
    StoredDocument, StoredKey, StoredMention,
};
use serde_json::json;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: rasid-ingest-bench [--shared DIR] [--docs N] [--runs N] [--batch N] [--dir DIR] [--json FILE]
       rasid-ingest-bench --scale [--runs N] [--dir DIR] [--json FILE]

  --shared DIR   shared folder holding eval/seeds.docs.jsonl and eval/pages.dev.docs.jsonl
                 (default ../shared)
  --docs N       documents to ingest (default 100000)
  --runs N       runs of each measurement, the median is reported (default 3)
  --batch N      documents per transaction (default 2000, as rasid ingest)
  --dir DIR      folder for the database files (default: the system's temporary folder)
  --keep         keep the database of the last run (its path is printed)
  --json FILE    also write the figures as JSON to FILE
  --scale        instead: one act told by 1,000, 4,000 and 16,000 reports, one more report
                 into 16,000, and one 4 MB document, each case in a process of its own
                 (time and peak memory)";

struct Options {
    scale: bool,
    /// A scale case to run in this process (`--case NAME --n N`): see `scale.rs`.
    case: Option<(String, usize)>,
    shared: PathBuf,
    docs: usize,
    runs: usize,
    batch: usize,
    dir: PathBuf,
    json: Option<PathBuf>,
    keep: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        scale: false,
        case: None,
        shared: PathBuf::from("../shared"),
        docs: 100_000,
        runs: 3,
        batch: rasid_store::DEFAULT_BATCH_SIZE,
        dir: std::env::temp_dir(),
        json: None,
        keep: false,
    };
    let mut flags = Flags::from_env();
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--shared" => opts.shared = PathBuf::from(flags.value("--shared")?),
            "--docs" => opts.docs = flags.count("--docs")?,
            "--runs" => opts.runs = flags.count("--runs")?,
            "--batch" => opts.batch = flags.count("--batch")?,
            "--dir" => opts.dir = PathBuf::from(flags.value("--dir")?),
            "--json" => opts.json = Some(PathBuf::from(flags.value("--json")?)),
            "--keep" => opts.keep = true,
            "--scale" => opts.scale = true,
            "--case" => opts.case = Some((flags.value("--case")?, 0)),
            "--n" => {
                let n = flags.count("--n")?;
                opts.case = opts.case.take().map(|(c, _)| (c, n));
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(opts)
}

/// A store that adds up the time spent in it: what the store costs, apart from extraction
/// and merge.
struct TimedStore {
    inner: SqliteStore,
    /// time spent in each method of the store
    spent: RefCell<BTreeMap<&'static str, Duration>>,
}

impl TimedStore {
    fn add(&self, method: &'static str, took: Duration) {
        *self.spent.borrow_mut().entry(method).or_default() += took;
    }
    fn time<T>(&self, method: &'static str, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.add(method, start.elapsed());
        out
    }
    fn total(&self) -> Duration {
        self.spent.borrow().values().sum()
    }
}

type R<T> = rasid_store::Result<T>;

impl Store for TimedStore {
    fn extraction_fingerprint(&self) -> R<Option<String>> {
        self.time("extraction_fingerprint", || {
            self.inner.extraction_fingerprint()
        })
    }
    fn document(&self, id: &str) -> R<Option<StoredDocument>> {
        self.time("document", || self.inner.document(id))
    }
    fn document_ids(&self) -> R<Vec<String>> {
        self.time("document_ids", || self.inner.document_ids())
    }
    fn documents_meta(&self, ids: &[String]) -> R<Vec<DocumentMeta>> {
        self.time("documents_meta", || self.inner.documents_meta(ids))
    }
    fn documents_by_url(&self, urls: &[String]) -> R<Vec<DocumentMeta>> {
        self.time("documents_by_url", || self.inner.documents_by_url(urls))
    }
    fn documents_by_hash(&self, hashes: &[String]) -> R<Vec<DocumentMeta>> {
        self.time("documents_by_hash", || self.inner.documents_by_hash(hashes))
    }
    fn keys_near(&self, probe: &Probe) -> R<Vec<StoredKey>> {
        self.time("keys_near", || self.inner.keys_near(probe))
    }
    fn event_states(&self, ids: &[String]) -> R<Vec<EventState>> {
        self.time("event_states", || self.inner.event_states(ids))
    }
    fn stored_events(&self, ids: &[String]) -> R<Vec<String>> {
        self.time("stored_events", || self.inner.stored_events(ids))
    }
    fn events_of_documents(&self, docs: &[String]) -> R<Vec<String>> {
        self.time("events_of_documents", || {
            self.inner.events_of_documents(docs)
        })
    }
    fn mentions_of_events(&self, events: &[String]) -> R<Vec<StoredMention>> {
        self.time("mentions_of_events", || {
            self.inner.mentions_of_events(events)
        })
    }
    fn mentions_of_documents(&self, docs: &[String]) -> R<Vec<StoredMention>> {
        self.time("mentions_of_documents", || {
            self.inner.mentions_of_documents(docs)
        })
    }
    fn candidate_copies(&self, sketch: &Sketch) -> R<Vec<(String, Sketch)>> {
        self.time("candidate_copies", || self.inner.candidate_copies(sketch))
    }
    fn sketches(&self, docs: &[String]) -> R<Vec<(String, Sketch)>> {
        self.time("sketches", || self.inner.sketches(docs))
    }
    fn documents_shared_by(&self, events: &[String]) -> R<Vec<String>> {
        self.time("documents_shared_by", || {
            self.inner.documents_shared_by(events)
        })
    }
    fn events_linked_to(&self, ids: &[String]) -> R<Vec<String>> {
        self.time("events_linked_to", || self.inner.events_linked_to(ids))
    }
    fn events_by_id(&self, ids: &[String]) -> R<Vec<Event>> {
        self.time("events_by_id", || self.inner.events_by_id(ids))
    }
    fn counts(&self) -> R<Counts> {
        self.time("counts", || self.inner.counts())
    }
    fn begin_write(&mut self) -> R<()> {
        let start = Instant::now();
        let out = self.inner.begin_write();
        self.add("begin_write", start.elapsed());
        out
    }
    fn apply(&mut self, batch: &Batch) -> R<()> {
        let start = Instant::now();
        let out = self.inner.apply(batch);
        self.add("apply", start.elapsed());
        out
    }
    fn commit(&mut self) -> R<()> {
        let start = Instant::now();
        let out = self.inner.commit();
        self.add("commit", start.elapsed());
        out
    }
    fn rollback(&mut self) {
        self.inner.rollback();
    }
    fn sync(&mut self) -> R<()> {
        let start = Instant::now();
        let out = self.inner.sync();
        self.add("sync", start.elapsed());
        out
    }
}

fn file_mb(path: &std::path::Path) -> f64 {
    std::fs::metadata(path).map_or(0.0, |m| m.len() as f64 / MB)
}

fn run(opts: &Options) -> Result<(), String> {
    let lex = Lexicons::embedded().map_err(|e| e.to_string())?;
    let mut base = Vec::new();
    for f in ["eval/seeds.docs.jsonl", "eval/pages.dev.docs.jsonl"] {
        base.extend(read_docs(&opts.shared.join(f))?);
    }
    if base.is_empty() {
        return Err("the shared documents are empty".into());
    }
    let corpus = varied_corpus(&base, opts.docs);
    let n = corpus.len();
    let text_mb = corpus.iter().map(|d| d.text.len()).sum::<usize>() as f64 / MB;
    eprintln!(
        "corpus: {n} documents, {text_mb:.1} MB of text, varied from {} shared documents",
        base.len()
    );

    // extraction alone: what ingest spends in resolve_document
    let (extract_times, mentions) = time_runs(opts.runs, "extraction alone", || {
        corpus
            .iter()
            .map(|d| black_box(resolve_document(d, &lex)).len())
            .sum()
    });
    let extract = Stats::of(&extract_times);

    let db = opts
        .dir
        .join(format!("rasid-ingest-bench-{}.db", std::process::id()));
    let remove = || {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
    };
    let mut last = None;
    let mut store_times = Vec::new();
    let mut by_method: BTreeMap<&str, Vec<Duration>> = BTreeMap::new();
    let (ingest_times, _) = time_runs(opts.runs, "ingest into a fresh store", || {
        remove();
        let mut store = TimedStore {
            inner: SqliteStore::open(&db).expect("open the store"),
            spent: RefCell::default(),
        };
        let summary = ingest(
            &mut store,
            &lex,
            corpus.iter().cloned(),
            &IngestOptions {
                batch_size: opts.batch,
            },
            &mut |_| {},
        )
        .expect("ingest");
        store_times.push(store.total());
        for (method, took) in store.spent.borrow().iter() {
            by_method.entry(*method).or_default().push(*took);
        }
        let counts = store.inner.counts().expect("counts");
        last = Some((summary, counts));
        n
    });
    // closing the store checkpoints the write-ahead log into the file
    let db_mb = file_mb(&db) + file_mb(&PathBuf::from(format!("{}-wal", db.display())));
    if opts.keep {
        eprintln!("kept the database of the last run: {}", db.display());
    } else {
        remove();
    }
    let (summary, counts) = last.expect("one run");
    let ingest_stats = Stats::of(&ingest_times);
    let (dps, dps_lo, dps_hi) = ingest_stats.rate(n as f64);
    let (eps, _, _) = extract.rate(n as f64);
    let outside = 1.0 - extract.median / ingest_stats.median;
    let store_stats = Stats::of(&store_times);
    let store_share = store_stats.median / ingest_stats.median;

    println!();
    println!("{:<46} {:>12}   range (min – max)", "figure", "median");
    println!("{}", "-".repeat(84));
    println!(
        "{:<46} {:>8.0} d/s   {:.0} – {:.0} d/s",
        "ingest, documents/s", dps, dps_lo, dps_hi
    );
    println!(
        "{:<46} {:>8.1} s     {:.1} – {:.1} s",
        "ingest, total time", ingest_stats.median, ingest_stats.min, ingest_stats.max
    );
    println!(
        "{:<46} {:>8.0} d/s",
        "extraction alone (resolve_document), docs/s", eps
    );
    println!(
        "{:<46} {:>8.1} s     {:.1} – {:.1} s",
        "time in the store (SQLite reads and writes)",
        store_stats.median,
        store_stats.min,
        store_stats.max
    );
    println!(
        "{:<46} {:>8.1} %",
        "store share of the ingest time",
        store_share * 100.0
    );
    let method_medians: BTreeMap<&str, f64> = by_method
        .iter()
        .map(|(method, times)| (*method, Stats::of(times).median))
        .collect();
    for (method, median) in &method_medians {
        println!("{:<46} {:>8.2} s", format!("  in {method}"), median);
    }
    println!(
        "{:<46} {:>8.1} %",
        "share outside extraction (store, terms, merge)",
        outside * 100.0
    );
    println!("{:<46} {:>8.1} MB", "database size", db_mb);
    println!("{:<46} {:>8}", "documents stored", counts.documents);
    println!("{:<46} {:>8}", "mentions stored", counts.mentions);
    println!("{:<46} {:>8}", "events", counts.events);
    println!("{:<46} {:>8}", "transactions (batches)", summary.batches);
    println!();
    println!(
        "bench-ingest: docs={n} docs_per_s={dps:.0} store_share={store_share:.3} outside_extraction={outside:.3} db_mb={db_mb:.1} events={} mentions={mentions}",
        counts.events
    );
    if let Some(path) = &opts.json {
        let report = json!({
            "documents": n,
            "text_mb": text_mb,
            "batch": opts.batch,
            "ingest_seconds": ingest_stats.json(),
            "extraction_seconds": extract.json(),
            "docs_per_second": dps,
            "store_seconds": store_stats.json(),
            "store_share": store_share,
            "store_seconds_by_method": method_medians,
            "share_outside_extraction": outside,
            "db_mb": db_mb,
            "store": counts,
            "summary": summary,
        });
        std::fs::write(
            path,
            serde_json::to_string_pretty(&report).unwrap_or_default(),
        )
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    exit_status(
        "rasid-ingest-bench",
        USAGE,
        parse_args().and_then(|o| match (&o.case, o.scale) {
            (Some((case, n)), _) => scale::run_case(case, *n, &o.dir),
            (None, true) => scale::run_all(o.runs, &o.dir, o.json.as_deref()),
            (None, false) => run(&o),
        }),
    )
}
