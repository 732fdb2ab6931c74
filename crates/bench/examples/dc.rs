fn main() {
    let mut texts = Vec::new();
    for f in ["../shared/eval/seeds.docs.jsonl", "../shared/eval/pages.dev.docs.jsonl"] {
        for l in std::fs::read_to_string(f).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            texts.push(rasid_text::fold(v["text"].as_str().unwrap()).text);
        }
    }
    let pubd = rasid_text::Day::parse_iso("2024-02-03");
    let which = std::env::args().nth(1).unwrap();
    for _ in 0..60 { for x in &texts {
        if which == "dates" { std::hint::black_box(rasid_text::dates::find_dates(x, pubd)); }
        else { std::hint::black_box(rasid_text::numbers::find_counts(x)); }
    } }
}
