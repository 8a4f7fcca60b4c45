//! The fuzz targets of `fuzz/` as ordinary property tests, so they run in every `cargo test`
//! without nightly: random bytes into `extract`, random strings into the normalize parsers.
//! A panic fails the test; the shrunk input is printed.

use proptest::prelude::*;

fn no_panic_extract(bytes: &[u8]) {
    let ex = trialtables_extract::extract("fuzz.bin", bytes);
    // Whatever is lost is said: no records means at least one issue, unless the input is
    // whitespace only, which some readers accept as "no record".
    if ex.records.is_empty() && !bytes.iter().all(u8::is_ascii_whitespace) {
        assert!(!ex.issues.is_empty(), "{} bytes gave neither a record nor an issue", bytes.len());
    }
    let cfg = trialtables_normalize::NormalizeConfig::default();
    for r in &ex.records {
        let _ = trialtables_normalize::normalize(r, &cfg);
    }
}

/// Prefixes that steer random bytes into each reader.
const PREFIXES: &[&[u8]] = &[
    b"",
    b"{\"protocolSection\":{\"identificationModule\":{\"nctId\":\"NCT01234567\"},",
    b"{\"studies\":[",
    b"<?xml version=\"1.0\"?><clinical_study><id_info><nct_id>NCT01234567</nct_id></id_info>",
    b"NCT01234567\nStudy Details\nBrief Summary\n",
    b"ClinicalTrials.gov Identifier: NCT01234567\nPurpose\n",
    b"PK\x03\x04",
    b"\x1f\x8b\x08\x00",
];

proptest! {
    // 64 cases per run in the normal suite (set PROPTEST_CASES for more); the real fuzzing is
    // `cargo +nightly fuzz run <target>` in fuzz/.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(64), ..ProptestConfig::default() })]

    #[test]
    fn extract_never_panics(prefix in 0..PREFIXES.len(), body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let mut bytes = PREFIXES[prefix].to_vec();
        bytes.extend_from_slice(&body);
        no_panic_extract(&bytes);
    }

    #[test]
    fn time_frame_parser_never_panics(s in "\\PC{0,200}", t in "(at |up to |every |baseline|day |week |month |[0-9]{1,4}|, |and |-| )*{0,30}") {
        let _ = trialtables_normalize::timeframe::parse_time_frame(&s);
        let _ = trialtables_normalize::timeframe::parse_time_frame(&t);
    }

    #[test]
    fn dose_parser_never_panics(s in "\\PC{0,200}", t in "([0-9]{1,3}(\\.[0-9])?|x|×|10\\^|10|e|E|cells|/kg|per kg|million|MSC|-|to| )*{0,30}") {
        let _ = trialtables_normalize::dose::parse_dose_text(&s);
        let _ = trialtables_normalize::dose::parse_dose_text(&t);
    }

    #[test]
    fn date_parser_never_panics(s in "\\PC{0,60}", t in "([0-9]{1,5}|-|/|,| |January|Feb|sept|31|00)*{0,10}") {
        let _ = trialtables_normalize::dates::parse_date(&s);
        let _ = trialtables_normalize::dates::parse_date(&t);
    }
}

/// Every hostile fixture and every truncation of a real record: no panic.
#[test]
fn extract_survives_every_prefix_of_real_records() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    for rel in
        ["hostile/jsonl_with_bad_line.jsonl", "realdata/ctgov_legacy_xml/aact_fixtures/NCT01341288.xml", "seeds/003_38b1ac5494ac9d51.txt"]
    {
        let bytes = std::fs::read(root.join(rel)).unwrap();
        let step = (bytes.len() / 41).max(1);
        for cut in (0..bytes.len()).step_by(step) {
            no_panic_extract(&bytes[..cut]);
        }
    }
}
