//! Arbitrary strings into `trialtables_normalize::dose::parse_dose_text`: it must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = trialtables_normalize::dose::parse_dose_text(text);
});
