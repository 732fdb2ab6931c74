//! `rasid-serve-bench`: latency and throughput of `/api/events` with filters, served by the
//! real server on loopback over a store of at least 200,000 events, from a client in the
//! same process speaking HTTP/1.1 over keep-alive connections. See `README.md`.

use rasid_bench::{exit_status, read_docs, varied_corpus, Flags, MB};
use rasid_lexicons::Lexicons;
use rasid_serve::{App, Config};
use rasid_store::{ingest, Filter, IngestOptions, Queries, SqliteStore, Store};
use serde_json::json;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const USAGE: &str = "usage: rasid-serve-bench [--shared DIR] [--db FILE] [--docs N] [--requests N] [--connections N] [--runs N] [--json FILE]

  --shared DIR       shared folder holding eval/seeds.docs.jsonl and eval/pages.dev.docs.jsonl
                     (default ../shared)
  --db FILE          the store to serve; when missing it is built by ingesting --docs varied
                     documents and kept for later runs (default: rasid-serve-bench.db in the
                     system's temporary folder)
  --docs N           documents to build the store from (default 100000: about 213,000 events)
  --requests N       requests per run (default 20000)
  --connections N    concurrent keep-alive connections (default 16)
  --runs N           runs; the median of each figure is reported (default 3)
  --json FILE        also write the figures as JSON to FILE";

struct Options {
    shared: PathBuf,
    db: PathBuf,
    docs: usize,
    requests: usize,
    connections: usize,
    runs: usize,
    json: Option<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        shared: PathBuf::from("../shared"),
        db: std::env::temp_dir().join("rasid-serve-bench.db"),
        docs: 100_000,
        requests: 20_000,
        connections: 16,
        runs: 3,
        json: None,
    };
    let mut flags = Flags::from_env();
    while let Some(flag) = flags.next_flag() {
        match flag.as_str() {
            "--shared" => opts.shared = PathBuf::from(flags.value("--shared")?),
            "--db" => opts.db = PathBuf::from(flags.value("--db")?),
            "--docs" => opts.docs = flags.count("--docs")?,
            "--requests" => opts.requests = flags.count("--requests")?,
            "--connections" => opts.connections = flags.count("--connections")?,
            "--runs" => opts.runs = flags.count("--runs")?,
            "--json" => opts.json = Some(PathBuf::from(flags.value("--json")?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(opts)
}

/// Builds the store from varied shared documents, as `rasid ingest` would.
fn build_store(opts: &Options) -> Result<(), String> {
    let lex = Lexicons::embedded().map_err(|e| e.to_string())?;
    let mut base = Vec::new();
    for f in ["eval/seeds.docs.jsonl", "eval/pages.dev.docs.jsonl"] {
        base.extend(read_docs(&opts.shared.join(f))?);
    }
    let corpus = varied_corpus(&base, opts.docs);
    eprintln!(
        "building {} from {} documents (once; later runs reuse it)",
        opts.db.display(),
        corpus.len()
    );
    let start = Instant::now();
    let mut store = SqliteStore::open(&opts.db).map_err(|e| e.to_string())?;
    let options = IngestOptions::default();
    ingest(
        &mut store,
        &lex,
        corpus.iter().cloned(),
        &options,
        &mut |_| {},
    )
    .map_err(|e| e.to_string())?;
    eprintln!("  built in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// Percent-encodes a query value.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The requests of the mix, `(kind, path)`: the filters an analyst uses, with values taken
/// from the store (its most frequent countries, actors and types; windows of its days).
fn request_mix(store: &SqliteStore) -> Result<Vec<(&'static str, String)>, String> {
    let stats = store
        .stats(&Filter::default(), 10)
        .map_err(|e| e.to_string())?;
    let days: Vec<&str> = stats.by_day.iter().map(|t| t.key.as_str()).collect();
    if days.len() < 2
        || stats.by_country.is_empty()
        || stats.by_actor.len() < 3
        || stats.by_type.is_empty()
    {
        return Err("the store has too few dated events for the mix".into());
    }
    let day = |f: f64| days[((days.len() - 1) as f64 * f) as usize];
    let mut mix = Vec::new();
    for (i, f) in [0.2, 0.5, 0.8].into_iter().enumerate() {
        let (from, to) = (day(f), day((f + 0.02).min(1.0)));
        let country = &stats.by_country[i % stats.by_country.len()].key;
        let actor = &stats.by_actor[i].key;
        let t = &stats.by_type[i % stats.by_type.len()];
        mix.extend([
            ("newest", "/api/events?limit=100".to_string()),
            (
                "country",
                format!("/api/events?country={country}&limit=100"),
            ),
            (
                "dates",
                format!("/api/events?from={from}&to={to}&limit=100"),
            ),
            (
                "actor",
                format!("/api/events?actor={}&limit=50", enc(actor)),
            ),
            (
                "type+country",
                format!(
                    "/api/events?event_type={}&country={country}&limit=100",
                    enc(&t.event_type)
                ),
            ),
            (
                "bbox+dates",
                format!("/api/events?bbox=38,32,45,38&from={from}&to={to}&limit=100"),
            ),
            (
                "deadliest in dates",
                format!(
                    "/api/events?from={from}&to={to}&country={country}&sort=-fatalities&limit=50"
                ),
            ),
            (
                "sources+country",
                format!("/api/events?min_sources=2&country={country}&limit=50"),
            ),
            (
                "page 20",
                format!("/api/events?country={country}&limit=100&offset=2000"),
            ),
        ]);
    }
    Ok(mix)
}

/// One GET over a keep-alive connection: the status and body length.
async fn get(
    conn: &mut BufReader<TcpStream>,
    host: &str,
    path: &str,
    body: &mut Vec<u8>,
) -> std::io::Result<(u16, usize)> {
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n");
    conn.get_mut().write_all(request.as_bytes()).await?;
    let mut line = String::new();
    conn.read_line(&mut line).await?;
    let status: u16 = line.get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0);
    let mut length = 0;
    loop {
        line.clear();
        if conn.read_line(&mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    body.resize(length, 0);
    conn.read_exact(body).await?;
    Ok((status, length))
}

/// Latencies of one run, by kind of request, and its wall time.
struct Run {
    latencies: Vec<(usize, Duration)>,
    wall: Duration,
    bytes: usize,
}

async fn load(
    addr: &str,
    mix: &Arc<Vec<(&'static str, String)>>,
    requests: usize,
    connections: usize,
) -> Result<Run, String> {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (next, mix, addr) = (Arc::clone(&next), Arc::clone(mix), addr.to_string());
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(&addr).await.map_err(|e| e.to_string())?;
            stream.set_nodelay(true).map_err(|e| e.to_string())?;
            let mut conn = BufReader::new(stream);
            let mut body = Vec::new();
            let mut seen = Vec::new();
            let mut bytes = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= requests {
                    return Ok::<_, String>((seen, bytes));
                }
                let kind = i % mix.len();
                let sent = Instant::now();
                let (status, n) = get(&mut conn, &addr, &mix[kind].1, &mut body)
                    .await
                    .map_err(|e| e.to_string())?;
                if status != 200 {
                    return Err(format!("{} answered {status}", mix[kind].1));
                }
                seen.push((kind, sent.elapsed()));
                bytes += n;
            }
        }));
    }
    let mut latencies = Vec::with_capacity(requests);
    let mut bytes = 0;
    for t in tasks {
        let (seen, n) = t.await.map_err(|e| e.to_string())??;
        latencies.extend(seen);
        bytes += n;
    }
    Ok(Run {
        latencies,
        wall: start.elapsed(),
        bytes,
    })
}

/// The `p` quantile in ms; NaN for no samples (a kind the requests did not reach).
fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn run(opts: &Options) -> Result<(), String> {
    if !opts.db.exists() {
        build_store(opts)?;
    }
    let store = SqliteStore::open(&opts.db).map_err(|e| e.to_string())?;
    let counts = store.counts().map_err(|e| e.to_string())?;
    let size = std::fs::metadata(&opts.db).map_or(0, |m| m.len());
    eprintln!(
        "store: {} events, {} documents, {:.0} MB",
        counts.events,
        counts.documents,
        size as f64 / MB
    );
    if counts.events < 200_000 {
        eprintln!("warning: fewer than 200,000 events; build a larger store with --docs");
    }
    let mix = Arc::new(request_mix(&store)?);
    drop(store);
    let app = App::open(Config {
        db: opts.db.clone(),
        token: None,
        cors_origin: None,
        lexicons: None,
    })?;
    // the server: its own runtime, as `rasid serve` runs it
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind loopback");
            addr_tx
                .send(listener.local_addr().expect("address").to_string())
                .expect("send address");
            let _ = rasid_serve::serve(listener, Arc::new(app), std::future::pending()).await;
        });
    });
    let addr = addr_rx.recv().map_err(|e| e.to_string())?;
    // the client: one thread, as a separate load generator would use
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    eprintln!(
        "load: {} requests per run over {} connections, {} kinds of filter, {} runs",
        opts.requests,
        opts.connections,
        mix.len(),
        opts.runs
    );
    // warm-up: every request once (the page cache, the statement caches)
    client.block_on(load(&addr, &mix, mix.len() * 2, 1))?;
    let mut runs = Vec::new();
    for i in 0..opts.runs {
        let r = client.block_on(load(&addr, &mix, opts.requests, opts.connections))?;
        let mut all: Vec<Duration> = r.latencies.iter().map(|(_, d)| *d).collect();
        all.sort();
        eprintln!(
            "  run {}/{}: {:.0} requests/s, p50 {:.2} ms, p99 {:.2} ms",
            i + 1,
            opts.runs,
            r.latencies.len() as f64 / r.wall.as_secs_f64(),
            percentile(&all, 0.5),
            percentile(&all, 0.99)
        );
        runs.push(r);
    }
    let figure = |f: &dyn Fn(&Run) -> f64| median(runs.iter().map(f).collect());
    let sorted = |r: &Run, kind: Option<&str>| {
        let mut v: Vec<Duration> = r
            .latencies
            .iter()
            .filter(|(k, _)| kind.is_none_or(|name| mix[*k].0 == name))
            .map(|(_, d)| *d)
            .collect();
        v.sort();
        v
    };
    let rps = figure(&|r| r.latencies.len() as f64 / r.wall.as_secs_f64());
    let p50 = figure(&|r| percentile(&sorted(r, None), 0.5));
    let p99 = figure(&|r| percentile(&sorted(r, None), 0.99));
    let max = figure(&|r| percentile(&sorted(r, None), 1.0));
    let kb = figure(&|r| r.bytes as f64 / r.latencies.len() as f64 / 1000.0);
    println!("rasid-serve-bench: GET /api/events with filters on loopback");
    println!(
        "  store:    {} events, {} documents, {:.0} MB",
        counts.events,
        counts.documents,
        size as f64 / MB
    );
    println!(
        "  load:     {} requests x {} runs, {} connections, mean response {kb:.1} kB",
        opts.requests, opts.runs, opts.connections
    );
    println!("  overall:  p50 {p50:.2} ms, p99 {p99:.2} ms, max {max:.1} ms, {rps:.0} requests/s (medians of the runs)");
    let mut kinds: Vec<&str> = mix.iter().map(|(k, _)| *k).collect();
    kinds.dedup();
    kinds.sort_unstable();
    kinds.dedup();
    let mut by_kind = Vec::new();
    for kind in kinds {
        let k50 = figure(&|r| percentile(&sorted(r, Some(kind)), 0.5));
        let k99 = figure(&|r| percentile(&sorted(r, Some(kind)), 0.99));
        println!("  {kind:<20} p50 {k50:>6.2} ms   p99 {k99:>6.2} ms");
        by_kind.push(json!({ "kind": kind, "p50_ms": k50, "p99_ms": k99 }));
    }
    println!(
        "  target:   p99 < 50 ms: {}",
        if p99 < 50.0 { "met" } else { "NOT met" }
    );
    if let Some(path) = &opts.json {
        let figures = json!({
            "events": counts.events, "documents": counts.documents, "db_bytes": size,
            "requests": opts.requests, "connections": opts.connections, "runs": opts.runs,
            "p50_ms": p50, "p99_ms": p99, "max_ms": max, "requests_per_s": rps,
            "mean_response_kb": kb, "by_kind": by_kind,
        });
        std::fs::write(path, format!("{figures:#}\n"))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    Ok(())
}

fn main() -> ExitCode {
    exit_status(
        "rasid-serve-bench",
        USAGE,
        parse_args().and_then(|o| run(&o)),
    )
}
