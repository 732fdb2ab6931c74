//! Near-duplicate documents: a MinHash sketch of a text's word shingles.
//!
//! News is copied: an agency's report runs in many outlets with another headline, another
//! first or last line, the outlet's name. Such copies tell the same acts in the same words,
//! dated or not, and should give the same events. Two texts' sketches agree in about the
//! share of positions that their sets of three-word shingles have in common (the Jaccard
//! similarity), so comparing two sketches estimates how much of the texts is shared
//! without comparing the texts; and the sketch cut into bands lets a store find the texts
//! that may be copies of a new one by looking up equal bands, not by reading every text.

use crate::hash::{fnv1a_from, FNV_OFFSET};
use crate::tokens::Token;

/// Values in a sketch.
pub const SKETCH_SIZE: usize = 32;
/// Values per band: two texts are candidate copies when all the values of one band agree
/// (for a Jaccard similarity of 0.8 that happens in at least one of the eight bands with a
/// probability of 0.985, for 0.2 of 0.013).
pub const BAND_ROWS: usize = 4;
/// Bands of a sketch.
pub const BANDS: usize = SKETCH_SIZE / BAND_ROWS;
/// Sketches agreeing in at least this share of their values are of copies of one text.
pub const COPY_SIMILARITY: f64 = 0.6;
/// Words per shingle.
const SHINGLE_WORDS: usize = 3;
/// Texts with fewer shingles than this are too short to call copies of one another (two
/// one-line headlines may share their words and tell different acts).
const MIN_SHINGLES: usize = 12;

/// The sketch of a folded text: for each of [`SKETCH_SIZE`] hash functions, the least hash
/// of its three-word shingles; `None` for a text too short to tell.
pub fn sketch(folded: &str, tokens: &[Token]) -> Option<[u32; SKETCH_SIZE]> {
    if tokens.len() < SHINGLE_WORDS + MIN_SHINGLES - 1 {
        return None;
    }
    let mut mins = [u32::MAX; SKETCH_SIZE];
    for window in tokens.windows(SHINGLE_WORDS) {
        let mut h = FNV_OFFSET;
        for t in window {
            h = fnv1a_from(fnv1a_from(h, t.text(folded).as_bytes()), &[0xff]);
        }
        for (i, min) in mins.iter_mut().enumerate() {
            let v = (mix(h ^ SEEDS[i]) >> 32) as u32;
            *min = (*min).min(v);
        }
    }
    Some(mins)
}

/// The share of positions where two sketches agree: an estimate of the Jaccard similarity
/// of the texts' shingles.
pub fn similarity(a: &[u32; SKETCH_SIZE], b: &[u32; SKETCH_SIZE]) -> f64 {
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / SKETCH_SIZE as f64
}

/// Whether two sketches are of copies of one text ([`COPY_SIMILARITY`]).
pub fn copies(a: &[u32; SKETCH_SIZE], b: &[u32; SKETCH_SIZE]) -> bool {
    similarity(a, b) >= COPY_SIMILARITY
}

/// The sketch's bands, each a number naming the band's position and values: texts that
/// share one are candidate copies.
pub fn bands(s: &[u32; SKETCH_SIZE]) -> [i64; BANDS] {
    let mut out = [0i64; BANDS];
    for (b, band) in out.iter_mut().enumerate() {
        let mut h = fnv1a_from(FNV_OFFSET, &(b as u32).to_le_bytes());
        for v in &s[b * BAND_ROWS..(b + 1) * BAND_ROWS] {
            h = fnv1a_from(h, &v.to_le_bytes());
        }
        *band = h as i64;
    }
    out
}

/// The splitmix64 finaliser: FNV-1a's low bits are poorly mixed.
fn mix(h: u64) -> u64 {
    let h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// One seed per hash function (fixed: sketches are stored and compared across runs).
const SEEDS: [u64; SKETCH_SIZE] = {
    let mut seeds = [0u64; SKETCH_SIZE];
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut i = 0;
    while i < SKETCH_SIZE {
        // xorshift64: distinct, well spread constants
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        seeds[i] = x;
        i += 1;
    }
    seeds
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fold;
    use crate::tokens::tokens;

    fn sketch_of(text: &str) -> Option<[u32; SKETCH_SIZE]> {
        let folded = fold(text).text;
        sketch(&folded, &tokens(&folded))
    }

    const REPORT: &str = "قصفت طائرة مسيرة مجهولة فجر اليوم موقعا عسكريا قرب مدينة الميادين \
        بريف دير الزور الشرقي، ما أدى إلى مقتل ثلاثة عناصر وإصابة خمسة آخرين، بحسب مصادر محلية. \
        وقال شهود عيان إن سيارات الإسعاف هرعت إلى المكان، فيما فرضت القوات طوقا أمنيا حول الموقع. \
        ولم تتبن أي جهة المسؤولية عن الهجوم حتى ساعة إعداد هذا التقرير.";

    #[test]
    fn a_copy_with_another_headline_and_outlet_is_a_copy_and_another_report_is_not() {
        let original = sketch_of(REPORT).unwrap();
        let copy = sketch_of(&format!(
            "غارة على الميادين\n{REPORT}\nالمصدر: وكالة الأنباء"
        ))
        .unwrap();
        assert!(similarity(&original, &copy) >= COPY_SIMILARITY);
        assert!(bands(&original).iter().any(|b| bands(&copy).contains(b)));
        let other = sketch_of(
            "اندلعت اشتباكات عنيفة مساء أمس بين مسلحين والقوات الحكومية في ريف درعا الغربي، \
             أسفرت عن مقتل ستة مقاتلين من الطرفين، وأغلقت المحال التجارية أبوابها في السوق القريب، \
             وخلت الشوارع من المارة مع حلول المساء، وطالبت منظمات محلية بفتح تحقيق مستقل.",
        )
        .unwrap();
        assert!(!copies(&original, &other));
    }

    #[test]
    fn a_headline_is_too_short_to_be_called_a_copy() {
        assert_eq!(sketch_of("غارة جوية على مدينة الميادين"), None);
    }
}
