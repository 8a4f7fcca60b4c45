//! Arbitrary strings into `trialtables_normalize::timeframe::parse_time_frame`: it must return, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = trialtables_normalize::timeframe::parse_time_frame(text);
});
