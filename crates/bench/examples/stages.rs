use std::time::Instant;
fn main() {
    let lex = rasid_lexicons::Lexicons::embedded().unwrap();
    let mut texts = Vec::new();
    for f in ["../shared/eval/seeds.docs.jsonl", "../shared/eval/pages.dev.docs.jsonl"] {
        for l in std::fs::read_to_string(f).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            texts.push(v["text"].as_str().unwrap().to_string());
        }
    }
    let texts: Vec<String> = (0..40).flat_map(|_| texts.clone()).collect();
    let mb = texts.iter().map(|t| t.len()).sum::<usize>() as f64 / 1e6;
    let pubd = rasid_text::Day::parse_iso("2024-02-03");
    let time = |name: &str, f: &dyn Fn(&str)| {
        let t = Instant::now();
        for x in &texts { f(x) }
        let s = t.elapsed().as_secs_f64();
        println!("{name:12} {:7.1} MB/s", mb / s);
    };
    time("fold", &|x| { std::hint::black_box(rasid_text::fold(x)); });
    let folded: Vec<String> = texts.iter().map(|t| rasid_text::fold(t).text).collect();
    let timef = |name: &str, f: &dyn Fn(&str)| {
        let t = Instant::now();
        for x in &folded { f(x) }
        println!("{name:12} {:7.1} MB/s", mb / t.elapsed().as_secs_f64());
    };
    timef("scan", &|x| { std::hint::black_box(lex.scan(x)); });
    timef("tokens", &|x| { std::hint::black_box(rasid_text::tokens::tokens(x)); });
    timef("sentences", &|x| { std::hint::black_box(rasid_text::tokens::sentences(x)); });
    timef("dates", &|x| { std::hint::black_box(rasid_text::dates::find_dates(x, pubd)); });
    timef("counts", &|x| { std::hint::black_box(rasid_text::numbers::find_counts(x)); });
    time("analysis", &|x| { std::hint::black_box(rasid_extraction::Analysis::new(x, pubd, &lex)); });
    let analyses: Vec<_> = texts.iter().map(|x| rasid_extraction::Analysis::new(x, pubd, &lex)).collect();
    let t = Instant::now();
    for a in &analyses { std::hint::black_box(rasid_extraction::find_mentions(a)); }
    println!("{:12} {:7.1} MB/s", "mentions", mb / t.elapsed().as_secs_f64());
    let docs: Vec<_> = texts.iter().enumerate().map(|(i, x)| rasid_extraction::Document { id: i.to_string(), text: x.clone(), url: None, outlet: None, published: pubd }).collect();
    let t = Instant::now();
    for d in &docs { std::hint::black_box(rasid_resolution::resolve_document(d, &lex)); }
    println!("{:12} {:7.1} MB/s", "resolve_doc", mb / t.elapsed().as_secs_f64());
}
