//! Helpers shared by the end-to-end tests of the `rasid` binary. Each test file uses a part
//! of them, hence the allowance for the parts one file does not use.
#![allow(dead_code)]

use serde_json::Value;
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output};

/// Runs `rasid ARGS…` to its end.
pub fn rasid(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rasid"))
        .args(args)
        .output()
        .expect("run rasid")
}

/// Runs `rasid extract ARGS…` to its end.
pub fn extract(args: &[&str]) -> Output {
    let mut all = vec!["extract"];
    all.extend_from_slice(args);
    rasid(&all)
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A fresh, empty folder for one test of one file.
pub fn temp_dir(file: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rasid-{file}-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// What must agree between the events of one report told in two files (ids and documents
/// aside), sorted.
pub fn told(events: &[Value]) -> Vec<String> {
    let mut s: Vec<String> = events
        .iter()
        .map(|e| {
            let actor = |a: &Value| a["name"].as_str().unwrap_or("-").to_string();
            serde_json::json!({
                "type": e["event_type"], "sub": e["sub_event_type"], "date": e["date"],
                "place": e["location"]["name"], "country": e["location"]["country"],
                "actor1": actor(&e["actor1"]), "actor2": actor(&e["actor2"]),
                "fatalities": e["fatalities"], "injured": e["injured"], "weapons": e["weapons"],
            })
            .to_string()
        })
        .collect();
    s.sort();
    s
}

/// Events with ids replaced by their evidence (and the ids they respond to likewise),
/// sorted: events that differ only in ids compare equal.
pub fn without_ids(events: &[Value]) -> Vec<Value> {
    let name = |e: &Value| e["evidence"].to_string();
    let names: std::collections::HashMap<String, String> = events
        .iter()
        .map(|e| (e["id"].as_str().unwrap().to_string(), name(e)))
        .collect();
    let mut renamed: Vec<Value> = events
        .iter()
        .map(|e| {
            let mut r = e.clone();
            r["id"] = Value::String(name(e));
            let mut targets: Vec<String> = e["responds_to"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| names[t.as_str().unwrap()].clone())
                .collect();
            targets.sort();
            r["responds_to"] = targets.into();
            r
        })
        .collect();
    renamed.sort_by_key(|e| e["id"].as_str().unwrap().to_string());
    renamed
}

/// The address a server just started (`rasid serve`, `rasid demo`, with standard output
/// piped) says it serves on: its first line, `rasid: serving http://ADDRESS/`.
pub fn served_address(child: &mut Child) -> String {
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("standard output piped"))
        .read_line(&mut line)
        .unwrap();
    line.trim()
        .strip_prefix("rasid: serving http://")
        .and_then(|a| a.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string()
}
