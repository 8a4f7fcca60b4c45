//! Cross-form consistency: the same trial read from API v2 JSON and from page text in every
//! layout gives the same normalized rows, for every field the page prints. The pages are
//! printed from real API v2 records by the extract tests' renderer (shared via `#[path]`).

#[allow(dead_code)]
#[path = "../../extract/tests/text_layouts/render.rs"]
mod render;

use std::path::{Path, PathBuf};

use render::Layout;
use trialtables_extract::extract;
use trialtables_normalize::{dates, normalize, NormalizeConfig, Normalized};

fn sources() -> Vec<(PathBuf, serde_json::Value)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/text/render_src");
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect();
    paths.sort();
    paths.into_iter().map(|p| (p.clone(), serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap())).collect()
}

fn one(path: &str, bytes: &[u8]) -> Normalized {
    let ex = extract(path, bytes);
    assert_eq!(ex.records.len(), 1, "{path}: {:?}", ex.issues);
    normalize(&ex.records[0], &NormalizeConfig::default())
}

#[test]
fn json_and_every_page_layout_normalize_the_same() {
    let mut compared = 0;
    let mut diffs: Vec<String> = Vec::new();
    for (path, study) in sources() {
        let bytes = std::fs::read(&path).unwrap();
        let j = one(&path.to_string_lossy(), &bytes);
        for layout in Layout::ALL {
            let (page, want) = render::render(&study, layout);
            let t = one(&format!("{}.{}.txt", path.display(), layout.name()), page.as_bytes());
            let tag = format!("{} {}", j.trial.nct_id, layout.name());
            let mut eq = |field: &str, a: String, b: String| {
                compared += 1;
                if a != b {
                    diffs.push(format!("{tag} {field}: json {a} vs page {b}"));
                }
            };
            let (jt, tt) = (&j.trial, &t.trial);
            eq("nct_id", jt.nct_id.clone(), tt.nct_id.clone());
            if want.brief_title.is_some() {
                eq("brief_title", format!("{:?}", jt.brief_title), format!("{:?}", tt.brief_title));
            }
            if want.official_title.is_some() {
                eq("official_title", format!("{:?}", jt.official_title), format!("{:?}", tt.official_title));
            }
            if want.status.is_some() {
                eq("overall_status", format!("{:?}", jt.overall_status), format!("{:?}", tt.overall_status));
            }
            if want.study_type.is_some() {
                eq("study_type", format!("{:?}", jt.study_type), format!("{:?}", tt.study_type));
            }
            if !want.phases.is_empty() {
                eq("phase", format!("{:?}", jt.phase), format!("{:?}", tt.phase));
            }
            if want.enrollment.is_some() {
                eq("enrollment", format!("{:?}", jt.enrollment), format!("{:?}", tt.enrollment));
            }
            if want.enrollment_type.is_some() {
                eq("enrollment_type", format!("{:?}", jt.enrollment_type), format!("{:?}", tt.enrollment_type));
            }
            // The 2014 print states dates as "Month YYYY": compare at the page's precision.
            let page_prec = |d: &Option<trialtables_normalize::PartialDate>| d.map(|d| d.precision);
            let iso = |d: &Option<trialtables_normalize::PartialDate>, p: Option<trialtables_normalize::Precision>| {
                d.as_ref().map(|d| {
                    let mut d = *d;
                    if let Some(p) = p {
                        if p > d.precision {
                            let (y, m, _) = dates::civil_from_days(d.days);
                            d = trialtables_normalize::PartialDate { days: dates::days_from_civil(y, m, 1).unwrap(), precision: p };
                        }
                    }
                    (dates::to_iso(&d), d.precision.as_str())
                })
            };
            if want.start_date.is_some() {
                eq(
                    "start_date",
                    format!("{:?}", iso(&jt.start_date, page_prec(&tt.start_date))),
                    format!("{:?}", iso(&tt.start_date, None)),
                );
            }
            if want.completion.is_some() {
                eq(
                    "completion_date",
                    format!("{:?}", iso(&jt.completion_date, page_prec(&tt.completion_date))),
                    format!("{:?}", iso(&tt.completion_date, None)),
                );
            }
            if want.allocation.is_some() {
                eq("allocation", format!("{:?}", jt.allocation), format!("{:?}", tt.allocation));
            }
            if want.masking.is_some() {
                eq("masking", format!("{:?}", jt.masking), format!("{:?}", tt.masking));
            }
            if want.min_age.is_some() {
                eq("min_age_years", format!("{:?}", jt.min_age_years), format!("{:?}", tt.min_age_years));
            }
            if want.max_age.is_some() {
                eq("max_age_years", format!("{:?}", jt.max_age_years), format!("{:?}", tt.max_age_years));
            }
            if want.sex.is_some() {
                eq("sex", format!("{:?}", jt.sex), format!("{:?}", tt.sex));
            }
            if want.conditions.is_some() {
                let c = |n: &Normalized| n.conditions.iter().map(|c| c.condition.clone()).collect::<Vec<_>>();
                eq("conditions", format!("{:?}", c(&j)), format!("{:?}", c(&t)));
            }
            if !want.arms.is_empty() {
                let a = |n: &Normalized| n.arms.iter().map(|a| (a.label.clone(), a.arm_type.clone())).collect::<Vec<_>>();
                let (ja, ta) = (a(&j), a(&t));
                // Pages that print no arm type leave it null; compare labels then.
                if want.arms.iter().all(|(_, ty)| ty.is_some()) {
                    eq("arms", format!("{ja:?}"), format!("{ta:?}"));
                } else {
                    eq(
                        "arms.label",
                        format!("{:?}", ja.iter().map(|x| &x.0).collect::<Vec<_>>()),
                        format!("{:?}", ta.iter().map(|x| &x.0).collect::<Vec<_>>()),
                    );
                }
            }
            if !want.interventions.is_empty() {
                // Classic pages list each intervention once even when the record repeats it.
                let i = |n: &Normalized| {
                    let mut v: Vec<String> = Vec::new();
                    for x in &n.interventions {
                        if !v.contains(&x.name) {
                            v.push(x.name.clone());
                        }
                    }
                    v
                };
                eq("interventions.name", format!("{:?}", i(&j)), format!("{:?}", i(&t)));
                if want.interventions.iter().all(|(_, ty)| ty.is_some()) {
                    let it = |n: &Normalized| {
                        let mut seen: Vec<&str> = Vec::new();
                        let mut v = Vec::new();
                        for x in &n.interventions {
                            if !seen.contains(&x.name.as_str()) {
                                seen.push(&x.name);
                                v.push(x.intervention_type.clone());
                            }
                        }
                        v
                    };
                    eq("interventions.type", format!("{:?}", it(&j)), format!("{:?}", it(&t)));
                }
            }
            if want.outcomes.is_some() {
                let o = |n: &Normalized| {
                    n.outcomes.iter().map(|o| (o.outcome_type.clone(), o.measure.clone(), o.time_frame.clone())).collect::<Vec<_>>()
                };
                eq("outcomes", format!("{:?}", o(&j)), format!("{:?}", o(&t)));
                let tp = |n: &Normalized| {
                    n.timepoints.iter().map(|p| (p.outcome_index, p.kind.clone(), p.value, p.unit.clone())).collect::<Vec<_>>()
                };
                eq("outcome_timepoints", format!("{:?}", tp(&j)), format!("{:?}", tp(&t)));
            }
            if want.pmids.is_some() {
                let p = |n: &Normalized| {
                    let mut v: Vec<_> = n.references.iter().filter_map(|r| r.pmid.clone()).collect();
                    v.sort();
                    v
                };
                eq("references.pmid", format!("{:?}", p(&j)), format!("{:?}", p(&t)));
            }
            // Cell product and doses come from the same texts, so they must agree too.
            eq("cell_source", format!("{:?}", jt.cell_source), format!("{:?}", tt.cell_source));
        }
    }
    println!("{compared} field comparisons, {} differences", diffs.len());
    for d in diffs.iter().take(40) {
        println!("  {d}");
    }
    assert!(compared > 1000, "{compared}");
    assert!(diffs.is_empty(), "{} differences; first: {}", diffs.len(), diffs[0]);
}
