//! `rasid-bench`: load time, throughput and memory of the rasid pipeline, single-threaded.
//!
//! The corpus is built by repeating the shared evaluation documents (each copy with its own
//! id) until it holds at least `--mb` megabytes (10^6 bytes) of text. See `README.md`.

use rasid_bench::{proc_status_mb, read_docs, time_runs, Flags, Stats, MB};
use rasid_extraction::Document;
use rasid_lexicons::Lexicons;
use rasid_merge::{extract_events, merge, DocumentMentions};
use rasid_resolution::resolve_document;
use serde_json::json;
use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage: rasid-bench [--shared DIR] [--mb N] [--merge-docs N] [--json FILE]

  --shared DIR      shared folder holding eval/seeds.docs.jsonl and
                    eval/pages.dev.docs.jsonl (default ../shared)
  --mb N            corpus size in megabytes of text, 10^6 bytes (default 20)
  --merge-docs N    documents given to extract_events for the merge figure (default 2000)
  --json FILE       also write the figures as JSON to FILE";

/// Runs of the lexicon load, the per-document pipeline and the bare passes.
const RUNS: usize = 5;
/// Runs of the whole pipeline with cross-document merge.
const MERGE_RUNS: usize = 3;

struct Options {
    shared: PathBuf,
    mb: f64,
    merge_docs: usize,
    json: Option<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let mut opts = Options {
        shared: PathBuf::from("../shared"),
        mb: 20.0,
        merge_docs: 2000,
        json: None,
    };
    let mut flags = Flags::from_env();
    while let Some(arg) = flags.next_flag() {
        match arg.as_str() {
            "--shared" => opts.shared = PathBuf::from(flags.value("--shared")?),
            "--mb" => {
                let v = flags.value("--mb")?;
                opts.mb = v
                    .parse()
                    .ok()
                    .filter(|mb: &f64| *mb > 0.0)
                    .ok_or(format!("--mb: not a positive number: {v}"))?;
            }
            "--merge-docs" => opts.merge_docs = flags.count("--merge-docs")?,
            "--json" => opts.json = Some(PathBuf::from(flags.value("--json")?)),
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument: {other}")),
        }
    }
    Ok(opts)
}

fn main() -> ExitCode {
    let opts = match parse_args() {
        Ok(o) => o,
        Err(e) => {
            if e.is_empty() {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            eprintln!("rasid-bench: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rasid-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Repeats `base` until the texts total at least `bytes`; copy `k` of document `id` is
/// `id#k`.
fn build_corpus(base: &[Document], bytes: usize) -> Vec<Document> {
    let mut corpus = Vec::new();
    let mut total = 0;
    let mut copy = 0;
    while total < bytes {
        for d in base {
            corpus.push(Document {
                id: format!("{}#{copy}", d.id),
                ..d.clone()
            });
            total += d.text.len();
        }
        copy += 1;
    }
    corpus
}

fn run(opts: &Options) -> Result<(), String> {
    let rss_start = proc_status_mb("VmRSS");

    // 1. lexicon load
    eprintln!("loading the lexicons {RUNS} times");
    let mut lex = None;
    let mut rss_first_load = None;
    let (load_times, _) = time_runs(RUNS, "Lexicons::embedded", || {
        drop(lex.take());
        let l = Lexicons::embedded().expect("embedded lexicons");
        let n = l.pattern_count();
        lex = Some(l);
        if rss_first_load.is_none() {
            rss_first_load = proc_status_mb("VmRSS");
        }
        n
    });
    let lex = lex.expect("loaded");
    let load = Stats::of(&load_times);
    let rss_after_load = proc_status_mb("VmRSS");
    let patterns = lex.pattern_count();
    let automaton_bytes = lex.automaton_bytes();

    // corpus
    let files = ["eval/seeds.docs.jsonl", "eval/pages.dev.docs.jsonl"];
    let mut base = Vec::new();
    for f in files {
        base.extend(read_docs(&opts.shared.join(f))?);
    }
    if base.is_empty() || base.iter().all(|d| d.text.is_empty()) {
        return Err("the shared documents are empty".into());
    }
    let base_bytes: usize = base.iter().map(|d| d.text.len()).sum();
    let corpus = build_corpus(&base, (opts.mb * MB).ceil() as usize);
    let n_docs = corpus.len();
    let bytes: usize = corpus.iter().map(|d| d.text.len()).sum();
    let mb = bytes as f64 / MB;
    let copies = n_docs / base.len();
    eprintln!(
        "corpus: {n_docs} documents, {mb:.2} MB ({copies} copies of {} documents, {:.3} MB)",
        base.len(),
        base_bytes as f64 / MB
    );
    let rss_after_corpus = proc_status_mb("VmRSS");

    // 2. per-document pipeline and 3. the bare pass, run by turns: the ratio is taken
    // within each pair of runs, so that the machine's speed drifting between runs (often
    // by a fifth on this shared machine) moves both of its terms alike
    let ac = lex.automaton();
    eprintln!("per-document pipeline (resolve_document) and bare pass fold + Aho-Corasick, {RUNS} runs by turns");
    let (mut pipe_times, mut fold_ac_times) = (Vec::new(), Vec::new());
    let (mut mentions, mut fold_ac_matches) = (0, 0);
    for _ in 0..RUNS {
        let (t, n) = time_runs(1, "pipeline", || {
            corpus
                .iter()
                .map(|d| black_box(resolve_document(d, &lex)).len())
                .sum()
        });
        mentions = n;
        pipe_times.extend(t);
        let (t, n) = time_runs(1, "fold+AC", || {
            corpus
                .iter()
                .map(|d| {
                    let folded = rasid_text::fold(&d.text);
                    ac.find_overlapping_iter(&folded.text).count()
                })
                .sum()
        });
        fold_ac_matches = n;
        fold_ac_times.extend(t);
    }
    let pipe = Stats::of(&pipe_times);
    let fold_ac = Stats::of(&fold_ac_times);
    let pair_ratios = Stats::of_values(
        pipe_times
            .iter()
            .zip(&fold_ac_times)
            .map(|(p, f)| p.as_secs_f64() / f.as_secs_f64())
            .collect(),
    );
    eprintln!("bare pass: Aho-Corasick on raw text, {RUNS} runs");
    let (raw_ac_times, raw_ac_matches) = time_runs(RUNS, "raw AC", || {
        corpus
            .iter()
            .map(|d| ac.find_overlapping_iter(&d.text).count())
            .sum()
    });
    let raw_ac = Stats::of(&raw_ac_times);
    eprintln!("fold alone, {RUNS} runs");
    let (fold_times, _) = time_runs(RUNS, "fold", || {
        corpus
            .iter()
            .map(|d| rasid_text::fold(&d.text).text.len())
            .sum()
    });
    let fold_only = Stats::of(&fold_times);
    let ratio = pair_ratios.median;
    let ratio_raw = pipe.median / raw_ac.median;

    // 4. cross-document merge
    let merge_slice = &corpus[..opts.merge_docs.min(n_docs)];
    let m_docs = merge_slice.len();
    let m_bytes: usize = merge_slice.iter().map(|d| d.text.len()).sum();
    eprintln!("extract_events on the first {m_docs} documents, {MERGE_RUNS} runs");
    let (events_times, events) = time_runs(MERGE_RUNS, "extract_events", || {
        extract_events(merge_slice, &lex).len()
    });
    let events_stats = Stats::of(&events_times);
    let resolved: Vec<DocumentMentions> = merge_slice
        .iter()
        .map(|d| DocumentMentions::of(d, &lex))
        .collect();
    let merge_mentions: usize = resolved.iter().map(|d| d.mentions.len()).sum();
    eprintln!("merge alone ({merge_mentions} mentions), {MERGE_RUNS} runs");
    let (merge_times, _) = time_runs(MERGE_RUNS, "merge", || merge(&resolved).len());
    let merge_stats = Stats::of(&merge_times);
    drop(resolved);

    let peak = proc_status_mb("VmHWM");
    let rss_end = proc_status_mb("VmRSS");

    // report
    let (pipe_aps, pipe_aps_lo, pipe_aps_hi) = pipe.rate(n_docs as f64);
    let (pipe_mbs, pipe_mbs_lo, pipe_mbs_hi) = pipe.rate(mb);
    let (fold_ac_mbs, fold_ac_lo, fold_ac_hi) = fold_ac.rate(mb);
    let (raw_ac_mbs, raw_ac_lo, raw_ac_hi) = raw_ac.rate(mb);
    let (fold_mbs, fold_lo, fold_hi) = fold_only.rate(mb);
    let (ev_dps, ev_dps_lo, ev_dps_hi) = events_stats.rate(m_docs as f64);
    let fmt_mb = |v: Option<f64>| v.map_or("n/a".to_string(), |v| format!("{v:.1}"));

    println!();
    println!("rasid-bench (single thread)");
    println!(
        "corpus: {n_docs} documents, {mb:.2} MB of text ({copies} copies of {} shared documents)",
        base.len()
    );
    println!();
    println!(
        "{:<44} {:>14}  {:>24}",
        "figure", "median", "range (min – max)"
    );
    println!("{}", "-".repeat(86));
    println!(
        "{:<44} {:>11.1} ms  {:>10.1} – {:<10.1} ms",
        "lexicon load (Lexicons::embedded)",
        load.median * 1e3,
        load.min * 1e3,
        load.max * 1e3
    );
    println!("{:<44} {:>14}", "automaton patterns", patterns);
    println!(
        "{:<44} {:>11.2} MB",
        "automaton heap",
        automaton_bytes as f64 / MB
    );
    println!(
        "{:<44} {:>11.0} a/s  {:>10.0} – {:<10.0} a/s",
        "pipeline (resolve_document) articles/s", pipe_aps, pipe_aps_lo, pipe_aps_hi
    );
    println!(
        "{:<44} {:>11.2} MB/s {:>10.2} – {:<10.2} MB/s",
        "pipeline (resolve_document) MB/s", pipe_mbs, pipe_mbs_lo, pipe_mbs_hi
    );
    println!(
        "{:<44} {:>11.2} MB/s {:>10.2} – {:<10.2} MB/s",
        "bare pass: fold + Aho-Corasick", fold_ac_mbs, fold_ac_lo, fold_ac_hi
    );
    println!(
        "{:<44} {:>11.2} MB/s {:>10.2} – {:<10.2} MB/s",
        "bare pass: Aho-Corasick on raw text", raw_ac_mbs, raw_ac_lo, raw_ac_hi
    );
    println!(
        "{:<44} {:>11.2} MB/s {:>10.2} – {:<10.2} MB/s",
        "fold alone", fold_mbs, fold_lo, fold_hi
    );
    println!(
        "{:<44} {:>14.2}       {:>10.2} – {:<10.2}  (target <= 3)",
        "ratio pipeline / (fold + AC)", ratio, pair_ratios.min, pair_ratios.max
    );
    println!(
        "{:<44} {:>14.2}",
        "ratio pipeline / raw AC (reference)", ratio_raw
    );
    println!(
        "{:<44} {:>11.0} d/s  {:>10.0} – {:<10.0} d/s",
        format!("extract_events on {m_docs} docs, docs/s"),
        ev_dps,
        ev_dps_lo,
        ev_dps_hi
    );
    println!(
        "{:<44} {:>11.1} ms  {:>10.1} – {:<10.1} ms",
        format!("  of which merge alone ({merge_mentions} mentions)"),
        merge_stats.median * 1e3,
        merge_stats.min * 1e3,
        merge_stats.max * 1e3
    );
    println!("{:<44} {:>11} MB", "VmRSS at start", fmt_mb(rss_start));
    println!(
        "{:<44} {:>11} MB",
        "VmRSS after the first lexicon load",
        fmt_mb(rss_first_load)
    );
    println!(
        "{:<44} {:>11} MB",
        "VmRSS after the 5 lexicon loads",
        fmt_mb(rss_after_load)
    );
    println!(
        "{:<44} {:>11} MB",
        "VmRSS after corpus built",
        fmt_mb(rss_after_corpus)
    );
    println!("{:<44} {:>11} MB", "VmRSS at end", fmt_mb(rss_end));
    println!("{:<44} {:>11} MB", "peak RSS (VmHWM)", fmt_mb(peak));
    println!();
    println!(
        "counts: {mentions} mentions per pipeline run, {fold_ac_matches} automaton matches on \
         folded text, {raw_ac_matches} on raw text, {events} events from {m_docs} documents"
    );
    println!(
        "ratio = median over the {RUNS} pairs of runs (pipeline, then bare pass) of pipeline \
         time / bare pass time; bare pass = fold each document, count the automaton's \
         overlapping matches"
    );
    println!(
        "bench: articles/s={pipe_aps:.0} MB/s={pipe_mbs:.2} ratio={ratio:.2} load_ms={:.1} \
         peak_mb={}",
        load.median * 1e3,
        fmt_mb(peak)
    );

    if let Some(path) = &opts.json {
        let rate = |s: &Stats, amount: f64| {
            let (m, lo, hi) = s.rate(amount);
            json!({ "median": m, "min": lo, "max": hi })
        };
        let report = json!({
            "threads": 1,
            "mb_unit_bytes": 1_000_000,
            "corpus": {
                "documents": n_docs,
                "bytes": bytes,
                "mb": mb,
                "copies": copies,
                "base_documents": base.len(),
                "base_bytes": base_bytes,
                "shared": opts.shared.display().to_string(),
            },
            "lexicons": {
                "load_seconds": load.json(),
                "load_ms_median": load.median * 1e3,
                "patterns": patterns,
                "automaton_heap_bytes": automaton_bytes,
            },
            "pipeline": {
                "what": "rasid_resolution::resolve_document on every document",
                "seconds": pipe.json(),
                "articles_per_s": rate(&pipe, n_docs as f64),
                "mb_per_s": rate(&pipe, mb),
                "mentions": mentions,
            },
            "bare_fold_ac": {
                "what": "rasid_text::fold + automaton().find_overlapping_iter(folded).count()",
                "seconds": fold_ac.json(),
                "mb_per_s": rate(&fold_ac, mb),
                "matches": fold_ac_matches,
            },
            "bare_raw_ac": {
                "what": "automaton().find_overlapping_iter(raw text).count(), no folding",
                "seconds": raw_ac.json(),
                "mb_per_s": rate(&raw_ac, mb),
                "matches": raw_ac_matches,
            },
            "fold_only": {
                "seconds": fold_only.json(),
                "mb_per_s": rate(&fold_only, mb),
            },
            "ratio": {
                "pipeline_over_fold_ac": ratio,
                "pipeline_over_fold_ac_pairs": pair_ratios.json(),
                "pipeline_over_raw_ac": ratio_raw,
                "target": 3.0,
                "uses": "median over pairs of runs taken by turns of pipeline time / (fold + Aho-Corasick) time",
            },
            "merge": {
                "what": "rasid_merge::extract_events on the first documents of the corpus",
                "documents": m_docs,
                "bytes": m_bytes,
                "runs": MERGE_RUNS,
                "seconds": {
                    "median": events_stats.median,
                    "min": events_stats.min,
                    "max": events_stats.max,
                },
                "documents_per_s": rate(&events_stats, m_docs as f64),
                "events": events,
                "mentions": merge_mentions,
                "merge_only_seconds": {
                    "median": merge_stats.median,
                    "min": merge_stats.min,
                    "max": merge_stats.max,
                },
            },
            "memory_mb": {
                "rss_start": rss_start,
                "rss_after_first_lexicon_load": rss_first_load,
                "rss_after_five_lexicon_loads": rss_after_load,
                "rss_after_corpus": rss_after_corpus,
                "rss_end": rss_end,
                "peak_vmhwm": peak,
            },
        });
        let text = serde_json::to_string_pretty(&report).expect("JSON");
        std::fs::write(path, text + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        eprintln!("figures written to {}", path.display());
    }
    Ok(())
}
