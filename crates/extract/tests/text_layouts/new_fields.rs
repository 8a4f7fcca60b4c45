//! The sections issue 17 adds to the page readers (collaborators, sites, eligibility
//! criteria, keywords, study ids): real API v2 studies rendered in every layout by
//! [`render`](super::render), read back, and compared with the JSON's own values. Per
//! layout and field the agreement is printed; each must reach 99 %.
//!
//! The 735 studies of `fixtures/text/render_all` carry no `contactsLocationsModule`, so the
//! sites are measured on `fixtures/text/render_src` (24 studies) and, when it is beside the
//! checkout, on every API v2 study of `../shared/realdata` (its copy `fixtures/realdata`
//! otherwise).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;
use trialtables_extract::model::{Raw, RawRecord};
use trialtables_extract::text::read;

use super::render::{self, Expected, Layout, Site};

fn text_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/text")
}

/// `protocolSection` holders of a folder of `.json` / `.json.gz` files (one study each).
fn folder(name: &str) -> Vec<(String, Value)> {
    let dir = text_fixtures().join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".json") || p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let raw = std::fs::read(&p).expect("read");
            let bytes = if p.to_string_lossy().ends_with(".gz") {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(raw.as_slice()).read_to_end(&mut out).expect("gunzip");
                out
            } else {
                raw
            };
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("").trim_end_matches(".gz").to_string();
            (name, serde_json::from_slice(&bytes).expect("json"))
        })
        .collect()
}

/// Every API v2 study (string `nctId`, so not the AACT "jsonlite" arrays) of the shared
/// real data, or of its copy in `fixtures/realdata`.
fn shared_studies() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = root.join("../../../shared/realdata/ctgov_v2_json");
    let dir = if shared.is_dir() { shared } else { root.join("../../fixtures/realdata/ctgov_v2_json") };
    fn studies(v: &Value, out: &mut Vec<Value>) {
        match v {
            Value::Array(a) => a.iter().for_each(|x| studies(x, out)),
            Value::Object(m) if m.contains_key("protocolSection") => out.push(v.clone()),
            Value::Object(m) => {
                if let Some(s) = m.get("studies") {
                    studies(s, out)
                }
            }
            _ => {}
        }
    }
    let mut files = Vec::new();
    let mut stack = vec![dir];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut all = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for f in files {
        let Ok(v) = serde_json::from_slice::<Value>(&std::fs::read(&f).unwrap_or_default()) else { continue };
        let mut out = Vec::new();
        studies(&v, &mut out);
        for s in out {
            let Some(id) = s.pointer("/protocolSection/identificationModule/nctId").and_then(Value::as_str).map(str::to_string) else {
                continue;
            };
            if seen.insert(id.clone()) {
                all.push((id, s));
            }
        }
    }
    all
}

fn ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A criteria text modulo formatting: markdown backslash escapes removed, list marks
/// ("*", "•" as words of their own) dropped, whitespace collapsed. The pages print the
/// JSON's markdown bullets as "•" (classic) or keep them ("Full info" joins the text into
/// one line), so only the words are compared.
fn criteria_words(s: &str) -> String {
    let mut unescaped = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\' && chars.peek().is_some_and(|n| n.is_ascii_punctuation()) {
            continue;
        }
        unescaped.push(c);
    }
    unescaped.split_whitespace().filter(|w| !matches!(*w, "*" | "•")).collect::<Vec<_>>().join(" ")
}

fn t(r: &Option<Raw>) -> Option<String> {
    r.as_ref().map(|x| ws(&x.text))
}

/// The new fields compared on one page: (field, whether the page agrees with the JSON,
/// detail of a disagreement).
fn checks(e: &Expected, r: &RawRecord) -> Vec<(&'static str, bool, String)> {
    let mut out = Vec::new();
    if let Some(want) = &e.collaborators {
        let got: Vec<String> = r.collaborators.iter().map(|c| ws(&c.name.text)).collect();
        let want: Vec<String> = want.iter().map(|x| ws(x)).collect();
        out.push(("collaborators", got == want, format!("want {want:?} got {got:?}")));
    }
    if let Some(want) = &e.locations {
        let got: Vec<Site> = r
            .locations
            .iter()
            .map(|l| Site { facility: t(&l.facility), city: t(&l.city), state: t(&l.state), zip: t(&l.zip), country: t(&l.country) })
            .collect();
        let first = got.iter().zip(want).position(|(a, b)| a != b);
        let detail = format!(
            "{} sites want, {} got; first difference {:?} / {:?}",
            want.len(),
            got.len(),
            first.and_then(|i| want.get(i)),
            first.and_then(|i| got.get(i))
        );
        out.push(("locations", &got == want, detail));
    }
    if e.criteria.is_some() {
        let want = e.criteria.as_deref().map(criteria_words);
        let got = r.eligibility_criteria.as_ref().map(|c| criteria_words(&c.text));
        let detail = format!(
            "want {:?}\n   got {:?}",
            want.as_deref().map(|s| &s[..s.len().min(160)]),
            got.as_deref().map(|s| &s[..s.len().min(160)])
        );
        out.push(("eligibility_criteria", want == got, detail));
    }
    if let Some(want) = &e.keywords {
        let got: Vec<String> = r.keywords.iter().map(|k| ws(&k.text)).collect();
        let want: Vec<String> = want.iter().map(|x| ws(x)).collect();
        out.push(("keywords", got == want, format!("want {want:?} got {got:?}")));
    }
    if e.org_study_id.is_some() {
        let got = t(&r.org_study_id);
        out.push(("org_study_id", got == e.org_study_id, format!("want {:?} got {got:?}", e.org_study_id)));
    }
    if let Some(want) = &e.secondary_ids {
        let got: Vec<String> = r.secondary_ids.iter().map(|x| ws(&x.id.text)).collect();
        out.push(("secondary_ids", &got == want, format!("want {want:?} got {got:?}")));
    }
    if e.acronym.is_some() {
        let got = t(&r.acronym);
        out.push(("acronym", got == e.acronym, format!("want {:?} got {got:?}", e.acronym)));
    }
    if e.why_stopped.is_some() {
        let got = t(&r.why_stopped);
        out.push(("why_stopped", got == e.why_stopped, format!("want {:?} got {got:?}", e.why_stopped)));
    }
    out
}

/// (layout, field) -> (pages checked, pages agreeing), and the first disagreements.
type Tally = BTreeMap<(&'static str, &'static str), (usize, usize)>;

fn tally(studies: &[(String, Value)], only: Option<&[&str]>) -> (Tally, Vec<String>) {
    let mut tally: Tally = BTreeMap::new();
    let mut misses = Vec::new();
    for (name, study) in studies {
        for layout in Layout::ALL {
            let (page, want) = render::render(study, layout);
            let ex = read(name, &page);
            let Some(r) = ex.records.first() else {
                misses.push(format!("{name} {}: no record", layout.name()));
                continue;
            };
            for (field, ok, detail) in checks(&want, r) {
                if only.is_some_and(|o| !o.contains(&field)) {
                    continue;
                }
                let e = tally.entry((layout.name(), field)).or_default();
                e.0 += 1;
                if ok {
                    e.1 += 1;
                } else if misses.len() < 40 {
                    misses.push(format!("{name} {} {field}: {detail}", layout.name()));
                }
            }
        }
    }
    (tally, misses)
}

/// Prints the table and fails for a (layout, field) under 99 %.
fn report_and_check(title: &str, tally: &Tally, misses: &[String]) {
    eprintln!("{title}");
    eprintln!("{:<16} {:<22} {:>7} {:>7} {:>8}", "layout", "field", "pages", "agree", "rate");
    let mut low = Vec::new();
    for ((layout, field), (n, ok)) in tally {
        let rate = *ok as f64 / (*n).max(1) as f64;
        eprintln!("{layout:<16} {field:<22} {n:>7} {ok:>7} {:>7.2}%", rate * 100.0);
        if rate < 0.99 {
            low.push(format!("{layout} {field}: {ok}/{n}"));
        }
    }
    for m in misses {
        eprintln!("  {m}");
    }
    assert!(low.is_empty(), "{title}: under 99 %: {low:?}");
}

#[test]
fn render_all_new_fields_read_back() {
    let studies = folder("render_all");
    assert!(studies.len() >= 700, "render_all: {} studies", studies.len());
    // Sites: none in these records (see `sites_read_back`).
    let fields = ["collaborators", "eligibility_criteria", "keywords", "org_study_id", "secondary_ids", "acronym", "why_stopped"];
    let (tally, misses) = tally(&studies, Some(&fields));
    // Each layout prints at least these fields for these studies.
    for layout in Layout::ALL {
        for field in ["collaborators", "eligibility_criteria"] {
            let n = tally.get(&(layout.name(), field)).map_or(0, |x| x.0);
            assert!(n >= 700, "{} {field}: only {n} pages checked", layout.name());
        }
    }
    // Keywords are printed by the classic and "Full info" pages (434 of the studies state some).
    for layout in [Layout::Classic2014, Layout::Classic2018, Layout::FullInfo] {
        assert!(tally.get(&(layout.name(), "keywords")).is_some_and(|x| x.0 >= 700), "{} keywords", layout.name());
    }
    report_and_check("render_all (735 studies): new fields per layout", &tally, &misses);
}

#[test]
fn sites_read_back() {
    let mut studies = folder("render_src");
    let n_src = studies.len();
    let mut seen: std::collections::BTreeSet<String> = studies
        .iter()
        .filter_map(|(_, v)| v.pointer("/protocolSection/identificationModule/nctId").and_then(Value::as_str).map(str::to_string))
        .collect();
    for (id, s) in shared_studies() {
        if seen.insert(id.clone()) {
            studies.push((id, s));
        }
    }
    let with_sites = studies
        .iter()
        .filter(|(_, v)| {
            v.pointer("/protocolSection/contactsLocationsModule/locations").and_then(Value::as_array).is_some_and(|a| !a.is_empty())
        })
        .count();
    assert!(with_sites >= 20, "studies with sites: {with_sites}");
    let (tally, misses) = tally(&studies, Some(&["locations"]));
    let sites: usize = studies
        .iter()
        .filter_map(|(_, v)| v.pointer("/protocolSection/contactsLocationsModule/locations").and_then(Value::as_array))
        .map(Vec::len)
        .sum();
    report_and_check(
        &format!("sites: {} studies ({n_src} of render_src), {with_sites} with sites, {sites} sites", studies.len()),
        &tally,
        &misses,
    );
}

// ---------------------------------------------------------------- the seeds

fn site(r: &RawRecord, i: usize) -> [Option<String>; 6] {
    let l = &r.locations[i];
    [t(&l.facility), t(&l.city), t(&l.state), t(&l.zip), t(&l.country), t(&l.status)]
}

fn s(x: &str) -> Option<String> {
    Some(x.to_string())
}

/// The values a reader of each seed file finds there by eye.
#[test]
fn seeds_state_their_sites_sponsors_criteria_and_ids() {
    // Classic 2014: "Locations" / "China, Jiangsu" / facility + "Recruiting" / address.
    let r = super::one("000_");
    assert_eq!(r.locations.len(), 1);
    assert_eq!(
        site(&r, 0),
        [
            s("the Affiliated Drum Tower Hospital of Nanjing University Medical School"),
            s("Nanjing"),
            s("Jiangsu"),
            s("210008"),
            s("China"),
            s("Recruiting")
        ]
    );
    assert!(r.collaborators.is_empty());
    assert_eq!(t(&r.org_study_id), s("NJGLYY002"));
    let c = r.eligibility_criteria.as_ref().expect("criteria").text.clone();
    assert!(c.starts_with("Inclusion Criteria:\n• All patients fulfilled"), "{c}");
    assert!(c.contains("\nExclusion Criteria:\n• End-stage renal failure."), "{c}");
    assert!(c.ends_with("harm to nursing infants from this treatment regimen."), "{c}");
    assert_eq!(r.eligibility_criteria.as_ref().map(|x| x.line), Some(64));
    let kw: Vec<&str> = r.keywords.iter().map(|k| k.text.as_str()).collect();
    assert_eq!(kw, ["Sjogren's Syndrome", "Mesenchymal Stem Cells", "Transplantation"]);

    // "Full info": "Facility Information:" pairs, "Eligibility Criteria" in section 10.
    let r = super::one("001_");
    assert_eq!(r.locations.len(), 1);
    assert_eq!(
        site(&r, 0),
        [
            s("The Affiliated Drum Tower Hospital of Nanjing University Medical School"),
            s("Nanjing"),
            s("Jiangsu"),
            s("210008"),
            s("China"),
            s("Recruiting")
        ]
    );
    let c = r.eligibility_criteria.as_ref().expect("criteria").text.clone();
    assert!(
        c.starts_with("Inclusion Criteria: All patients fulfilled the American College") && c.ends_with("intended to recent pregnancy")
    );
    // The section's text (15 to 60 years), not the summary's (15 to 70 years, in the description).
    assert!(c.contains("aged from 15 to 60 years"), "{c}");
    assert_eq!(r.responsible_party.as_ref().and_then(|p| t(&p.party_type)), s("Principal Investigator"));

    // Modern, bare values: collaborators first, the lead sponsor last, each with its class.
    let r = super::one("002_");
    let names: Vec<&str> = r.collaborators.iter().map(|c| c.name.text.as_str()).collect();
    assert_eq!(
        names,
        [
            "Medical University of South Carolina",
            "McGill University Health Centre/Research Institute of the McGill University Health Centre",
            "Université de Montréal",
            "Assistance Publique - Hôpitaux de Paris",
            "Centre hospitalier de l'Université de Montréal (CHUM)",
            "University Paris 7 - Denis Diderot"
        ]
    );
    assert!(r.collaborators.iter().all(|c| t(&c.agency_class) == s("OTHER")));
    assert_eq!(t(&r.lead_sponsor), s("Marie Hudson, MD"));
    assert_eq!(site(&r, 0), [s("Sir Mortimer B. Davis Jewish General Hospital"), s("Montreal"), s("Quebec"), None, s("Canada"), None]);
    assert_eq!(r.locations.len(), 1);
    assert_eq!(t(&r.org_study_id), s("MP-05-2020-2251"));
    assert!(r.secondary_ids.is_empty());
    let c = r.eligibility_criteria.as_ref().expect("criteria").text.clone();
    assert!(c.starts_with("Inclusion Criteria\n2. Severe disease defined as:"), "{c}");
    // The bare ages / sex / healthy volunteers after the text stay out of it.
    assert!(c.ends_with("13. Inability to provide informed consent"), "{c}");
    assert_eq!(t(&r.min_age), s("18 Years"));

    // Modern, labelled values.
    let r = super::one("003_");
    assert_eq!(
        site(&r, 0),
        [s("The 323 Hospital of Chinese People's Liberation Army"), s("Xi'an"), s("Shaanxi"), None, s("China"), s("RECRUITING")]
    );
    assert_eq!(t(&r.lead_sponsor_class), s("INDUSTRY"));
    assert!(r.collaborators.is_empty());
    assert_eq!(r.responsible_party.as_ref().and_then(|p| t(&p.party_type)), s("SPONSOR"));
    assert_eq!(t(&r.org_study_id), s("Alliancells-1"));
    let c = r.eligibility_criteria.as_ref().expect("criteria").text.clone();
    assert!(c.starts_with("Inclusion Criteria\n* All patients") && c.ends_with("from this treatment regimen."), "{c}");
    assert_eq!(t(&r.max_age), s("70 Years"));

    // Classic 2018: "Layout table for location information", a country without a state.
    let r = super::one("004_");
    assert_eq!(site(&r, 0), [s("Saint-Louis Hospital"), s("Paris"), None, s("75010"), s("France"), None]);
    assert_eq!(r.locations.len(), 1);
    assert_eq!(t(&r.org_study_id), s("P150302"));
    let c = r.eligibility_criteria.as_ref().expect("criteria").text.clone();
    assert!(c.starts_with("Inclusion Criteria:\n• Age > 18 years") && c.ends_with("• Patient under legal protection."), "{c}");
    assert!(!c.contains("National Library of Medicine"), "{c}");
}

/// A classic "Locations" block with what real pages hold: a country with a comma, a state
/// heading that reads like an address under the heading before it, two sites in one city,
/// a site without a facility, contact lines, and a line that fits no site (reported).
#[test]
fn classic_locations_block_variants() {
    let (name, text) = super::seed_text("000_");
    let block = "Locations\n\
        United States\n\
        Site A Recruiting\n\
        Anytown, United States\n\
        United States, California\n\
        UCLA Not yet recruiting\n\
        Los Angeles, California, United States, 90095\n\
        Contact: Jane Roe    555-0100    jane@example.org\n\
        Principal Investigator: John Doe, MD\n\
        Cedars Active, not recruiting\n\
        Los Angeles, California, United States, 90048\n\
        Korea, Republic of\n\
        Seoul National University Hospital\n\
        Seoul, Korea, Republic of, 03080\n\
        Samsung Medical Center\n\
        Seoul, Korea, Republic of, 06351\n\
        Busan, Korea, Republic of\n\
        a stray line\n";
    let page = text.replacen(
        "Locations\nChina, Jiangsu\nthe Affiliated Drum Tower Hospital of Nanjing University Medical School Recruiting\nNanjing, Jiangsu, China, 210008\n",
        block,
        1,
    );
    assert_ne!(page, text, "seed block replaced");
    let ex = read(&name, &page);
    let r = ex.records.first().expect("record");
    let got: Vec<[Option<String>; 6]> = (0..r.locations.len()).map(|i| site(r, i)).collect();
    assert_eq!(
        got,
        vec![
            [s("Site A"), s("Anytown"), None, None, s("United States"), s("Recruiting")],
            [s("UCLA"), s("Los Angeles"), s("California"), s("90095"), s("United States"), s("Not yet recruiting")],
            [s("Cedars"), s("Los Angeles"), s("California"), s("90048"), s("United States"), s("Active, not recruiting")],
            [s("Seoul National University Hospital"), s("Seoul"), None, s("03080"), s("Korea, Republic of"), None],
            [s("Samsung Medical Center"), s("Seoul"), None, s("06351"), s("Korea, Republic of"), None],
            [None, s("Busan"), None, None, s("Korea, Republic of"), None],
        ]
    );
    assert!(r.findings.iter().any(|f| f.field.as_deref() == Some("locations") && f.message.contains("a stray line")), "{:?}", r.findings);
    // The block around it reads as before.
    assert_eq!(t(&r.lead_sponsor), s("The Affiliated Nanjing Drum Tower Hospital of Nanjing University Medical School"));
}

/// Modern sites: a facility whose name ends like an address, and sites with no facility.
#[test]
fn modern_locations_variants() {
    let (name, text) = super::seed_text("002_");
    let old = "Sir Mortimer B. Davis Jewish General Hospital\nMontreal, Quebec, Canada\n";
    assert!(text.contains(old));
    let with_comma =
        text.replacen(old, "St. Anna Children's Hospital, Vienna, Canada\nVienna, Canada\nOther Site\nToronto, Ontario, Canada\n", 1);
    let r = read(&name, &with_comma).records.remove(0);
    let got: Vec<[Option<String>; 6]> = (0..r.locations.len()).map(|i| site(&r, i)).collect();
    assert_eq!(
        got,
        vec![
            [s("St. Anna Children's Hospital, Vienna, Canada"), s("Vienna"), None, None, s("Canada"), None],
            [s("Other Site"), s("Toronto"), s("Ontario"), None, s("Canada"), None],
        ]
    );
    let no_facility = text.replacen(old, "Montreal, Quebec, Canada\nToronto, Ontario, Canada\n", 1);
    let r = read(&name, &no_facility).records.remove(0);
    let got: Vec<[Option<String>; 6]> = (0..r.locations.len()).map(|i| site(&r, i)).collect();
    assert_eq!(
        got,
        vec![[None, s("Montreal"), s("Quebec"), None, s("Canada"), None], [None, s("Toronto"), s("Ontario"), None, s("Canada"), None]]
    );
}
