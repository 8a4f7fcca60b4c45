//! Arbitrary bytes into the extract stage (every reader, archives included), then normalize
//! on whatever records come out. Any panic is a bug: bad input must become an issue.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ex = trialtables_extract::extract("fuzz.bin", data);
    let cfg = trialtables_normalize::NormalizeConfig::default();
    for r in &ex.records {
        let _ = trialtables_normalize::normalize(r, &cfg);
    }
});
