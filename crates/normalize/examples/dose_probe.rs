//! Prints the dose rows the normalize stage reads from record files, or the levels it reads
//! from a text: a development aid for the dose reader (docs/FIDELITY.md). Use it on the tune
//! half only.
//!
//! `cargo run -p trialtables-normalize --example dose_probe -- FILE...` or
//! `cargo run -p trialtables-normalize --example dose_probe -- --text "TEXT"`.

use trialtables_extract::extract;
use trialtables_normalize::dose::parse_dose_text;
use trialtables_normalize::{normalize, NormalizeConfig};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--text") {
        for t in &args[1..] {
            println!("{t}");
            for l in parse_dose_text(t) {
                println!(
                    "  kg {:?}-{:?} tot {:?}-{:?} m2 {:?} adm {:?} int {:?} route {:?} label {:?}",
                    l.per_kg, l.per_kg_high, l.total, l.total_high, l.per_m2, l.administrations, l.interval_days, l.route, l.label
                );
            }
        }
        return;
    }
    let cfg = NormalizeConfig::default();
    for path in &args {
        let Ok(bytes) = std::fs::read(path) else {
            eprintln!("{path}: cannot read");
            continue;
        };
        for r in extract(path, &bytes).records {
            let n = normalize(&r, &cfg);
            println!("{} trial cell_source {:?} origin {:?}", n.trial.nct_id, n.trial.cell_source, n.trial.cell_origin);
            for d in &n.doses {
                println!(
                    "  arm {:?} kg {:?}-{:?} tot {:?}-{:?} m2 {:?} adm {:?} int {:?} route {:?} src {:?} org {:?} [{}] {}",
                    d.arm_label,
                    d.dose_per_kg,
                    d.dose_per_kg_high,
                    d.dose_total,
                    d.dose_total_high,
                    d.dose_per_m2,
                    d.administrations,
                    d.interval_days,
                    d.route,
                    d.cell_source,
                    d.cell_origin,
                    d.source_field,
                    d.source_text
                );
            }
            for i in &n.issues {
                println!("  issue {:?}", i);
            }
        }
    }
}
