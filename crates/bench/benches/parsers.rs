//! Criterion benches, one per parser, on real inputs: each seed page layout, an API v2
//! website-download array, the legacy XML records, and the normalizers (whole records, time
//! frames, dose sentences, dates). Throughput is reported in records/s (elements) for text
//! pages and normalizers, and in bytes/s for the JSON and XML readers.
//!
//! Run: `cargo bench -p trialtables-bench` (add a filter, e.g. `-- api_json`, for one group).

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use trialtables_bench::corpus;
use trialtables_extract::{api_json, extract, legacy_xml, text, RawRecord};
use trialtables_normalize::{dates, dose, normalize, timeframe, NormalizeConfig};

fn config() -> NormalizeConfig {
    #[derive(serde::Deserialize)]
    struct File {
        #[serde(default)]
        normalize: NormalizeConfig,
    }
    std::fs::read_to_string(corpus::workspace_root().join("pipeline.toml"))
        .ok()
        .and_then(|t| toml::from_str::<File>(&t).ok())
        .map(|f| f.normalize)
        .unwrap_or_default()
}

fn short(path: &str) -> String {
    path.rsplit('/').next().unwrap_or(path).chars().take(24).collect()
}

fn text_layouts(c: &mut Criterion) {
    let mut g = c.benchmark_group("text");
    for seed in corpus::seeds() {
        let page = trialtables_extract::decode::to_text(&seed.bytes);
        let layout = text::detect_layout(&page).map_or("unknown", |f| f.as_str());
        let n = text::read(&seed.path, &page).records.len() as u64;
        g.throughput(Throughput::Elements(n.max(1)));
        g.bench_with_input(BenchmarkId::new(layout, short(&seed.path)), &page, |b, page| {
            b.iter(|| black_box(text::read(&seed.path, black_box(page))))
        });
    }
    g.finish();
}

fn structured(c: &mut Criterion) {
    let mut g = c.benchmark_group("structured");
    if let Some(arr) = corpus::api_json_array() {
        let n = api_json::read(&arr.path, &arr.bytes).records.len();
        eprintln!("api_json: {} ({} bytes, {n} studies)", arr.path, arr.bytes.len());
        g.throughput(Throughput::Bytes(arr.bytes.len() as u64));
        g.bench_function(BenchmarkId::new("api_json_array", format!("{n}_studies")), |b| {
            b.iter(|| black_box(api_json::read(&arr.path, black_box(&arr.bytes))))
        });
        g.bench_function(BenchmarkId::new("floor_json_typed", format!("{n}_studies")), |b| {
            b.iter(|| black_box(trialtables_bench::floor::json_typed(black_box(&arr.bytes))))
        });
    }
    let xml = corpus::legacy_xml();
    let bytes: u64 = xml.iter().map(|x| x.bytes.len() as u64).sum();
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function(BenchmarkId::new("legacy_xml", format!("{}_files", xml.len())), |b| {
        b.iter(|| {
            for x in &xml {
                black_box(legacy_xml::read(&x.path, black_box(&x.bytes)));
            }
        })
    });
    g.bench_function(BenchmarkId::new("floor_xml", format!("{}_files", xml.len())), |b| {
        b.iter(|| {
            for x in &xml {
                black_box(trialtables_bench::floor::xml(black_box(&x.bytes)));
            }
        })
    });
    g.finish();
}

fn all_records() -> Vec<RawRecord> {
    let mut inputs = corpus::api_json_files();
    inputs.extend(corpus::legacy_xml());
    inputs.extend(corpus::seeds());
    inputs.into_iter().flat_map(|i| extract(&i.path, &i.bytes).records).collect()
}

fn normalizers(c: &mut Criterion) {
    let records = all_records();
    let cfg = config();
    let mut g = c.benchmark_group("normalize");
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function(BenchmarkId::new("normalize_records", records.len()), |b| {
        b.iter(|| {
            for r in &records {
                black_box(normalize(black_box(r), &cfg));
            }
        })
    });

    let frames = corpus::corpus_lines("time_frames.txt");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function(BenchmarkId::new("parse_time_frame", frames.len()), |b| {
        b.iter(|| {
            for t in &frames {
                let _ = black_box(timeframe::parse_time_frame(black_box(t)));
            }
        })
    });

    let doses = corpus::corpus_lines("dose_sentences.txt");
    g.throughput(Throughput::Elements(doses.len() as u64));
    g.bench_function(BenchmarkId::new("parse_dose_text", doses.len()), |b| {
        b.iter(|| {
            for t in &doses {
                black_box(dose::parse_dose_text(black_box(t)));
            }
        })
    });

    let date_texts: Vec<String> = records
        .iter()
        .flat_map(|r| {
            [&r.start_date, &r.primary_completion_date, &r.completion_date, &r.first_posted_date, &r.last_update_date]
                .into_iter()
                .flatten()
                .map(|d| d.text.clone())
        })
        .collect();
    g.throughput(Throughput::Elements(date_texts.len() as u64));
    g.bench_function(BenchmarkId::new("parse_date", date_texts.len()), |b| {
        b.iter(|| {
            for t in &date_texts {
                black_box(dates::parse_date(black_box(t)));
            }
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = text_layouts, structured, normalizers
}
criterion_main!(benches);
