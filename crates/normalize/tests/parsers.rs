//! Parser tests: dose notations, regimens, the five seed records built by hand from their
//! page text, time frame phrasings, cell sources, and property tests (no panic on any input,
//! number round trips, days = value × unit days).

use proptest::prelude::*;
use trialtables_extract::{Raw, RawArm, RawIntervention, RawRecord, SourceFormat};
use trialtables_normalize::cell::{classify_record, CellProduct};
use trialtables_normalize::dose::{doses_for_record, parse_dose_text, DoseLevel};
use trialtables_normalize::timeframe::{parse_time_frame, read_time_frame, unit_days, ANCHORS};

// ---------------------------------------------------------------- dose notations

/// (per_kg, per_kg_high, total, total_high, per_m2) of every level.
type Amounts = (Option<f64>, Option<f64>, Option<f64>, Option<f64>, Option<f64>);

fn amounts(t: &str) -> Vec<Amounts> {
    parse_dose_text(t).into_iter().map(|d| (d.per_kg, d.per_kg_high, d.total, d.total_high, d.per_m2)).collect()
}

fn kg(v: f64) -> Amounts {
    (Some(v), None, None, None, None)
}
fn tot(v: f64) -> Amounts {
    (None, None, Some(v), None, None)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

fn assert_amounts(t: &str, want: Vec<Amounts>) {
    let got = amounts(t);
    let same = got.len() == want.len()
        && got.iter().zip(&want).all(|(g, w)| {
            let eq = |a: Option<f64>, b: Option<f64>| match (a, b) {
                (Some(a), Some(b)) => close(a, b),
                (None, None) => true,
                _ => false,
            };
            eq(g.0, w.0) && eq(g.1, w.1) && eq(g.2, w.2) && eq(g.3, w.3) && eq(g.4, w.4)
        });
    assert!(same, "{t:?}\n got  {got:?}\n want {want:?}");
}

#[test]
fn number_notations() {
    assert_amounts("10^6 cells/kg", vec![kg(1e6)]);
    assert_amounts("1x10^6 cells/kg", vec![kg(1e6)]);
    assert_amounts("1 × 10^6 MSC/kg", vec![kg(1e6)]);
    assert_amounts("1.0x10E6 cells per kg", vec![kg(1e6)]);
    assert_amounts("10e6 cells/kg", vec![kg(1e6)]);
    assert_amounts("1*10^6 cells/kg", vec![kg(1e6)]);
    assert_amounts("1.10^6 CSM / kg", vec![kg(1e6)]);
    assert_amounts("2 million cells/kg", vec![kg(2e6)]);
    assert_amounts("1,000,000 cells per kilogram of body weight", vec![kg(1e6)]);
    assert_amounts("100 million cells", vec![tot(1e8)]);
    assert_amounts("1-2 x 10^6 cells/kg", vec![(Some(1e6), Some(2e6), None, None, None)]);
    assert_amounts("1 to 2 x 10^6 MSCs/kg", vec![(Some(1e6), Some(2e6), None, None, None)]);
    assert_amounts("10⁶ cells/kg", vec![kg(1e6)]);
    assert_amounts("2x10⁶ MSC per kg", vec![kg(2e6)]);
    assert_amounts("1 x10(6) cells/kg", vec![kg(1e6)]);
    assert_amounts("4x10\\^7 cells", vec![tot(4e7)]);
    assert_amounts("1.5 x 10e7 cells", vec![tot(1.5e7)]);
    assert_amounts("1E6#3E6#6E6#1E7 cells/kg", vec![kg(1e6), kg(3e6), kg(6e6), kg(1e7)]);
    assert_amounts("1 x 10^8 UCMSC/m2", vec![(None, None, None, None, Some(1e8))]);
    assert_amounts("2 x 10^6 UCMSC/kg body weight", vec![kg(2e6)]);
    assert_amounts("15-20 Million mature dendritic cells per dose", vec![(None, None, Some(15e6), Some(20e6), None)]);
    assert_amounts("Dose group A: 1×106STAR+T cells / kg", vec![kg(1e6)]);
}

#[test]
fn tiers_and_lists() {
    assert_amounts("at doses of 1, 2 or 4 x 10^6/kg", vec![kg(1e6), kg(2e6), kg(4e6)]);
    assert_amounts("at doses of:\n• 1.10^6 CSM / kg\n• 2.10^6 CSM / kg\n• 4.10^6 CSM / kg 1 injection", vec![kg(1e6), kg(2e6), kg(4e6)]);
    assert_amounts("three dose groups: 10\\^6, 5x10\\^6 and 3x10\\^7 JK500 cells injection /kg/ time", vec![kg(1e6), kg(5e6), kg(3e7)]);
}

#[test]
fn not_doses() {
    for t in [
        "prednisone 20 mg/day",
        "cyclophosphamide 0.4 ~ 0.6 / m2 every two weeks",
        "Azathioprine orally at a dose> 2 mg / kg / day",
        "10 mg / kg infusion",
        "lymphopenia CD4 + <200 x 106 / L",
        "neutropenia <0.5.109/L, thrombocytopenia <30. 109 / L",
        "neutropenia \\< 0.5 x 109 cell/L",
        "24h urine protein≥1g",
        "NCT01234567",
        "Study started in 2012 with 20000 participants",
        "Placebo infusion of 50 mL PlasmaLyte A",
        "",
    ] {
        assert!(parse_dose_text(t).is_empty(), "{t:?} gave {:?}", parse_dose_text(t));
    }
}

fn one(t: &str) -> DoseLevel {
    let v = parse_dose_text(t);
    assert_eq!(v.len(), 1, "{t:?}: {v:?}");
    v.into_iter().next().unwrap_or_default()
}

#[test]
fn administrations_and_intervals() {
    let cases: Vec<(&str, Option<i64>, Option<f64>)> = vec![
        ("single dose, 10^6 cells/kg", Some(1), None),
        ("a single infusion of 10^6 MSC/kg", Some(1), None),
        ("one infusion of 10^6 MSC/kg", Some(1), None),
        ("two infusions of 10^6 MSC/kg, 3 months apart", Some(2), Some(91.3125)),
        ("10^6 MSC/kg given 4 times", Some(4), None),
        ("4x10^7 cells, 4 times infusion, the interval time is 3 months", Some(4), Some(91.3125)),
        ("10^6 MSC/kg at month 0 and month 3", Some(2), Some(91.3125)),
        ("10^6 MSC/kg at months 0 and 3", Some(2), Some(91.3125)),
        ("10^6 MSC/kg weekly for 4 weeks", Some(4), Some(7.0)),
        ("three doses of 10^6 MSC/kg every 3 months", Some(3), Some(91.3125)),
        ("10^6 MSC/kg on days 1 and 8", Some(2), Some(7.0)),
        ("1x10^6 MSC/kg", None, None),
    ];
    for (t, adm, iv) in cases {
        let d = one(t);
        assert_eq!(d.administrations, adm, "{t}");
        assert_eq!(d.interval_days, iv, "{t}");
    }
}

#[test]
fn routes_and_vehicles() {
    let cases = [
        ("10^6 MSC/kg infused intravenously", Some("INTRAVENOUS")),
        ("10^6 MSC/kg IV", Some("INTRAVENOUS")),
        ("10^6 MSC/kg i.v. infusion", Some("INTRAVENOUS")),
        ("10^6 MSC/kg by infusion", None),
        ("2x10^7 MSC intrathecally", Some("INTRATHECAL")),
        ("4x10^7 cells intra-articular injection", Some("INTRA_ARTICULAR")),
        ("24x10^6 cells by intramuscular injection", Some("INTRAMUSCULAR")),
        ("10^7 cells subcutaneous injection", Some("SUBCUTANEOUS")),
        ("10^7 cells injected into the lesion", Some("LOCAL")),
        ("10^7 cells intracoronary", Some("INTRACORONARY")),
        ("10^8 cells intra-arterial", Some("INTRA_ARTERIAL")),
    ];
    for (t, r) in cases {
        assert_eq!(one(t).route, r, "{t}");
    }
    let d = one("Each infusion will consist of 1 million MSC/kg suspended in 50 mL of PlasmaLyte A.");
    assert_eq!(d.per_kg, Some(1e6));
    assert_eq!(d.vehicle.as_deref(), Some("PlasmaLyte A"));
    assert_eq!(d.volume_ml, Some(50.0));
    let d = one("2x10^6 MSC/kg in 100 ml normal saline");
    assert_eq!(d.vehicle.as_deref(), Some("normal saline"));
    assert_eq!(d.volume_ml, Some(100.0));
}

// ---------------------------------------------------------------- seeds, built by hand

fn r(t: &str) -> Raw {
    Raw::new(t, 1)
}

fn arm(label: &str, ty: &str, desc: Option<&str>, inter: &[&str]) -> RawArm {
    RawArm { label: r(label), arm_type: Some(r(ty)), description: desc.map(r), intervention_names: inter.iter().map(|i| r(i)).collect() }
}

fn inter(ty: &str, name: &str, desc: Option<&str>, other: &[&str], arms: &[&str]) -> RawIntervention {
    RawIntervention {
        intervention_type: Some(r(ty)),
        name: r(name),
        description: desc.map(r),
        other_names: other.iter().map(|o| r(o)).collect(),
        arm_labels: arms.iter().map(|a| r(a)).collect(),
    }
}

fn rec(path: &str, fmt: SourceFormat, brief: &str, official: Option<&str>) -> RawRecord {
    let mut rr = RawRecord::new(path, fmt, 1);
    rr.brief_title = Some(r(brief));
    rr.official_title = official.map(r);
    rr
}

fn seed000() -> RawRecord {
    let mut rr = rec(
        "fixtures/seeds/000_06cd87bbc5196893.txt",
        SourceFormat::CtgovClassic2014,
        "Allogeneic Mesenchymal Stem Cells Transplantation for Primary Sjögren's Syndrome (pSS)",
        Some("Clinical Trial of Allogeneic Mesenchymal Stem Cells Transplantation for Primary Sjögren's Syndrome - Phase Ⅰ/Ⅱ"),
    );
    rr.interventions = vec![inter(
        "Biological",
        "Allogeneic Mesenchymal Stem Cells (AlloMSC)",
        Some("Allogeneic mesenchymal stem cells will be infused intravenously (single dose, 10^6 cells/kg body weight)."),
        &[],
        &[],
    )];
    rr.keywords = vec![r("Sjogren's Syndrome"), r("Mesenchymal Stem Cells"), r("Transplantation")];
    rr
}

fn seed001() -> RawRecord {
    let mut rr = rec(
        "fixtures/seeds/001_549002531d0362f3.txt",
        SourceFormat::ThirdPartyFullInfo,
        "Umbilical Cord Derived Mesenchymal Stem Cells Transplantation for Active and Refractory Systemic Lupus Erythematosus",
        Some("Phase I/II: Umbilical Cord Derived Mesenchymal Stem Cells Transplantation For Active And Refractory Systemic Lupus Erythematosus"),
    );
    rr.arms = vec![arm(
        "human umbilical cord derived MSC",
        "Experimental",
        Some("human umbilical cord derived MSC transplantation for SLE"),
        &[],
    )];
    rr.interventions = vec![inter(
        "Biological",
        "human umbilical cord derived MSC transplantation for SLE",
        None,
        &["Allogenic MSC derived from umbilical cord"],
        &[],
    )];
    rr
}

fn seed002() -> RawRecord {
    let mut rr = rec(
        "fixtures/seeds/002_80f6234d06866d47.txt",
        SourceFormat::CtgovModern,
        "Treatment With Human Umbilical Cord-derived Mesenchymal Stromal Cells in Systemic Sclerosis",
        None,
    );
    let ucmsc = "Each infusion will consist of 1 million MSC/kg suspended in 50 mL of PlasmaLyte A.";
    rr.arms = vec![
        arm(
            "One infusion of UCMSC",
            "EXPERIMENTAL",
            Some("Patients receive one intravenous infusion of UCMSC at month 0 and one intravenous infusion of placebo at month 3. Each experimental infusion will consist of 1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A. Each placebo infusion will consist of a similar volume of PlasmaLyte A."),
            &["UCMSC", "Placebo"],
        ),
        arm(
            "Two infusions of UCMSC",
            "EXPERIMENTAL",
            Some("Patients receive one intravenous infusion of UCMSC at month 0 and one intravenous infusion of UCMSC at month 3. Each experimental infusion will consist of 1 million UCMSC/kg suspended in 50 ml of PlasmaLyte A."),
            &["UCMSC"],
        ),
        arm(
            "Placebo infusions",
            "PLACEBO_COMPARATOR",
            Some("Patients receive intravenous placebo infusions at months 0 and 3. Each placebo infusion will consist of 50 ml of PlasmaLyte A."),
            &["Placebo"],
        ),
    ];
    rr.interventions = vec![
        inter("BIOLOGICAL", "UCMSC", Some(ucmsc), &[], &["One infusion of UCMSC", "Two infusions of UCMSC"]),
        inter(
            "OTHER",
            "Placebo",
            Some("Each infusion will consist of 50 mL of PlasmaLyte A."),
            &[],
            &["One infusion of UCMSC", "Placebo infusions"],
        ),
    ];
    rr
}

fn seed003() -> RawRecord {
    let mut rr = rec(
        "fixtures/seeds/003_38b1ac5494ac9d51.txt",
        SourceFormat::CtgovModern,
        "Safety and Efficacy Study of Umbilical Cord-Derived Mesenchymal Stem Cells for Rheumatoid Arthritis",
        None,
    );
    let uc = "-The UC-MSCs will be infused intravenously(single dose, 4x10\\^7 cells).The interval time is 3 months, and the study lasts for 12 months with 4 times infusion.";
    let combo = "The UC-MSCs will be infused intravenously(single dose, 4x10\\^7 cells).The interval time is 3 months, and the study lasts for 12 months with 4 times infusion.Meanwhile,patients will be treated by conventionally drugs if the disease is still not alleviated.";
    rr.arms = vec![
        arm(
            "UC-MSCs Treatment",
            "EXPERIMENTAL",
            Some("Patients in UC-MSCs treatment will be infused umbilical cord-derived mesenchymal stem cells intravenously only."),
            &["Umbilical Cord-Derived Mesenchymal Stem Cells (UC-MSCs)"],
        ),
        arm(
            "DMARDS",
            "ACTIVE_COMPARATOR",
            Some("Patients will be treated by Rheumatoid Arthritis With Disease-Modifying Drugs (DMARDs)."),
            &["Rheumatoid Arthritis With Disease-Modifying Drugs (DMARDs)"],
        ),
        arm(
            "UC-MSC+DMARDS",
            "ACTIVE_COMPARATOR",
            Some("Patients will be treated in combination with UC-MSC and DMARDS."),
            &["UC-MSC+DMARDS"],
        ),
    ];
    rr.interventions = vec![
        inter("BIOLOGICAL", "Umbilical Cord-Derived Mesenchymal Stem Cells (UC-MSCs)", Some(uc), &[], &["UC-MSCs Treatment"]),
        inter(
            "DRUG",
            "Rheumatoid Arthritis With Disease-Modifying Drugs (DMARDs)",
            Some("-Patients will be treated by conventional drugs (DMARDS) for alleviating disease."),
            &[],
            &["DMARDS"],
        ),
        inter("BIOLOGICAL", "UC-MSC+DMARDS", Some(combo), &[], &["UC-MSC+DMARDS"]),
    ];
    rr
}

fn seed004() -> RawRecord {
    let mut rr = rec(
        "fixtures/seeds/004_8566403ec791419c.txt",
        SourceFormat::CtgovClassic2018,
        "Treatment of Refractory Systemic Lupus Erythematosus by Allogeneic Mesenchymal Stem Cells Derived From the Umbilical Cord (MSC-SLE)",
        Some("Treatment of Refractory Systemic Lupus Erythematosus by Injection of Allogeneic Mesenchymal Stem Cells Derived From the Umbilical Cord"),
    );
    let text = "Allogeneic Umbilical Cord derived-MSCs injected by slow intravenous infusion according to the weight of the recipient and patient groups in the study, at doses of:\n\n  • 1.10^6 CSM / kg\n  • 2.10^6 CSM / kg\n  • 4.10^6 CSM / kg 1 injection during 30min to 1h by Intravenous infusion";
    rr.arms = vec![arm(
        "Experimental: mesenchymal stem cells",
        "Experimental",
        Some(&format!("Phase I-II, {text}")),
        &["Biological: mesenchymal stem cells"],
    )];
    rr.interventions = vec![inter("Biological", "mesenchymal stem cells", Some(text), &[], &[])];
    rr
}

#[test]
fn seed_cell_products() {
    let p = |s: Option<&'static str>, o: Option<&'static str>| CellProduct { source: s, origin: o };
    assert_eq!(classify_record(&seed000()), p(Some("UNSPECIFIED"), Some("ALLOGENEIC")));
    assert_eq!(classify_record(&seed001()), p(Some("UMBILICAL_CORD"), Some("ALLOGENEIC")));
    assert_eq!(classify_record(&seed002()), p(Some("UMBILICAL_CORD"), None));
    assert_eq!(classify_record(&seed003()), p(Some("UMBILICAL_CORD"), None));
    assert_eq!(classify_record(&seed004()), p(Some("UMBILICAL_CORD"), Some("ALLOGENEIC")));
}

fn doses(rr: &RawRecord) -> Vec<trialtables_normalize::Dose> {
    let product = classify_record(rr);
    let (d, issues) = doses_for_record(rr, "NCT", &product);
    assert!(issues.is_empty(), "{issues:?}");
    d
}

#[test]
fn seed_000_doses() {
    let d = doses(&seed000());
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].dose_per_kg, Some(1e6));
    assert_eq!(d[0].dose_total, None);
    assert_eq!(d[0].administrations, Some(1));
    assert_eq!(d[0].route.as_deref(), Some("INTRAVENOUS"));
    assert_eq!(d[0].intervention_name.as_deref(), Some("Allogeneic Mesenchymal Stem Cells (AlloMSC)"));
    assert_eq!(d[0].arm_label, None);
    assert_eq!(d[0].source_field, "intervention.description");
    assert_eq!(d[0].cell_origin.as_deref(), Some("ALLOGENEIC"));
    assert_eq!(d[0].cell_source.as_deref(), Some("UNSPECIFIED"));
}

#[test]
fn seed_001_no_doses() {
    assert!(doses(&seed001()).is_empty());
}

#[test]
fn seed_002_doses() {
    let d = doses(&seed002());
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].arm_label.as_deref(), Some("One infusion of UCMSC"));
    assert_eq!(d[0].administrations, Some(1));
    assert_eq!(d[0].interval_days, None);
    assert_eq!(d[1].arm_label.as_deref(), Some("Two infusions of UCMSC"));
    assert_eq!(d[1].administrations, Some(2));
    assert_eq!(d[1].interval_days, Some(91.3125));
    for x in &d {
        assert_eq!(x.dose_per_kg, Some(1e6));
        assert_eq!(x.route.as_deref(), Some("INTRAVENOUS"));
        assert_eq!(x.vehicle.as_deref(), Some("PlasmaLyte A"));
        assert_eq!(x.volume_ml, Some(50.0));
        assert_eq!(x.intervention_name.as_deref(), Some("UCMSC"));
        assert_eq!(x.cell_source.as_deref(), Some("UMBILICAL_CORD"));
        assert_eq!(x.source_field, "arm.description");
    }
}

#[test]
fn seed_003_doses() {
    let d = doses(&seed003());
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].arm_label.as_deref(), Some("UC-MSCs Treatment"));
    assert_eq!(d[1].arm_label.as_deref(), Some("UC-MSC+DMARDS"));
    assert_eq!(d[1].intervention_name.as_deref(), Some("UC-MSC+DMARDS"));
    for x in &d {
        assert_eq!(x.dose_total, Some(4e7));
        assert_eq!(x.dose_per_kg, None);
        assert_eq!(x.administrations, Some(4));
        assert_eq!(x.interval_days, Some(91.3125));
        assert_eq!(x.route.as_deref(), Some("INTRAVENOUS"));
        assert_eq!(x.cell_source.as_deref(), Some("UMBILICAL_CORD"));
    }
}

#[test]
fn seed_004_doses() {
    let d = doses(&seed004());
    assert_eq!(d.len(), 3, "{d:?}");
    let kgs: Vec<_> = d.iter().map(|x| x.dose_per_kg).collect();
    assert_eq!(kgs, vec![Some(1e6), Some(2e6), Some(4e6)]);
    for x in &d {
        assert_eq!(x.administrations, Some(1));
        assert_eq!(x.route.as_deref(), Some("INTRAVENOUS"));
        assert_eq!(x.arm_label.as_deref(), Some("Experimental: mesenchymal stem cells"));
        assert_eq!(x.intervention_name.as_deref(), Some("mesenchymal stem cells"));
        assert_eq!(x.cell_origin.as_deref(), Some("ALLOGENEIC"));
        assert_eq!(x.cell_source.as_deref(), Some("UMBILICAL_CORD"));
    }
    let idx: Vec<_> = d.iter().map(|x| x.dose_index).collect();
    assert_eq!(idx, vec![0, 1, 2]);
}

#[test]
fn unreadable_dose_is_an_issue() {
    let mut rr = RawRecord::new("x.json", SourceFormat::CtgovApiV2Json, 1);
    rr.interventions = vec![inter("Biological", "MSC", Some("Mesenchymal stem cells at a dose of X cells/kg (to be decided)"), &[], &[])];
    rr.interventions[0].description = Some(Raw::new("Mesenchymal stem cells, dose of ten cells/kg", 42));
    let (d, issues) = doses_for_record(&rr, "NCT1", &classify_record(&rr));
    assert!(d.is_empty());
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].line, 42);
    assert_eq!(issues[0].severity, trialtables_extract::Severity::Warning);
    assert_eq!(issues[0].field.as_deref(), Some("doses"));
    assert_eq!(issues[0].source_path, "x.json");
}

// ---------------------------------------------------------------- time frames

fn tf(t: &str) -> Vec<(&'static str, Option<f64>, Option<&'static str>)> {
    match parse_time_frame(t) {
        Ok(v) => v.into_iter().map(|p| (p.kind, p.value, p.unit)).collect(),
        Err(e) => panic!("{t:?}: {e}"),
    }
}

const B: (&str, Option<f64>, Option<&str>) = ("BASELINE", None, None);
fn at(v: f64, u: &'static str) -> (&'static str, Option<f64>, Option<&'static str>) {
    ("AT", Some(v), Some(u))
}
fn upto(v: f64, u: &'static str) -> (&'static str, Option<f64>, Option<&'static str>) {
    ("UP_TO", Some(v), Some(u))
}
fn every(v: f64, u: &'static str) -> (&'static str, Option<f64>, Option<&'static str>) {
    ("EVERY", Some(v), Some(u))
}

#[test]
fn time_frame_phrasings() {
    assert_eq!(tf("Monthly"), vec![every(1.0, "MONTH")]);
    assert_eq!(tf("weekly"), vec![every(1.0, "WEEK")]);
    assert_eq!(tf("daily"), vec![every(1.0, "DAY")]);
    assert_eq!(tf("every 3 months"), vec![every(3.0, "MONTH")]);
    assert_eq!(tf("up to 12 months"), vec![upto(12.0, "MONTH")]);
    let s = "pre-MSC transplantation, 1, 3, 6 and 12 months post MSC transplantation";
    let want = vec![B, at(1.0, "MONTH"), at(3.0, "MONTH"), at(6.0, "MONTH"), at(12.0, "MONTH")];
    assert_eq!(tf(s), want);
    assert_eq!(tf(&format!("{s} (for GFR assessed at baseline and 12 months after MSCT)")), want);
    assert_eq!(tf("Baseline, Week 4, Week 12"), vec![B, at(4.0, "WEEK"), at(12.0, "WEEK")]);
    assert_eq!(tf("Day 28"), vec![at(28.0, "DAY")]);
    assert_eq!(tf("Days 1, 8 and 15"), vec![at(1.0, "DAY"), at(8.0, "DAY"), at(15.0, "DAY")]);
    assert_eq!(tf("6 months after the last infusion"), vec![at(6.0, "MONTH")]);
    assert_eq!(tf("1 year"), vec![at(1.0, "YEAR")]);
    assert_eq!(tf("24 hours"), vec![at(24.0, "HOUR")]);
    assert_eq!(tf("10 days"), vec![at(10.0, "DAY")]);
    assert_eq!(tf("through study completion, an average of 1 year"), vec![upto(1.0, "YEAR")]);
    assert_eq!(tf("Month 1"), vec![at(1.0, "MONTH")]);
    assert_eq!(tf("six months"), vec![at(6.0, "MONTH")]);
    assert_eq!(tf("twelve weeks"), vec![at(12.0, "WEEK")]);
    assert_eq!(tf("one year"), vec![at(1.0, "YEAR")]);
    assert_eq!(tf("thirty days"), vec![at(30.0, "DAY")]);
    assert_eq!(tf("twenty-four hours"), vec![at(24.0, "HOUR")]);
    assert_eq!(tf("0-12 months"), vec![upto(12.0, "MONTH")]);
    assert_eq!(tf("from baseline to week 24"), vec![B, at(24.0, "WEEK")]);
    assert_eq!(tf("Baseline through Week 8"), vec![B, upto(8.0, "WEEK")]);
    assert_eq!(tf("Baseline and 3 months"), vec![B, at(3.0, "MONTH")]);
    assert_eq!(tf("at 3, 6, and 12 months"), vec![at(3.0, "MONTH"), at(6.0, "MONTH"), at(12.0, "MONTH")]);
    assert_eq!(tf("2 years"), vec![at(2.0, "YEAR")]);
    assert_eq!(tf("12 mo"), vec![at(12.0, "MONTH")]);
    assert_eq!(tf("wk 52"), vec![at(52.0, "WEEK")]);
    assert_eq!(tf("Up to approximately 5 years"), vec![upto(5.0, "YEAR")]);
    assert_eq!(
        tf("From date of randomization until the date of first documented progression or date of death from any cause, whichever came first, assessed up to 100 months"),
        vec![upto(100.0, "MONTH")]
    );
    assert_eq!(tf("Screening"), vec![B]);
    assert_eq!(tf("Day 1 pre-dose"), vec![at(1.0, "DAY")]);
    assert_eq!(tf("3 months after transplantation"), vec![at(3.0, "MONTH")]);
    assert_eq!(tf("2 weeks before surgery"), vec![at(-2.0, "WEEK")]);
    assert_eq!(tf("5 to 10 years"), vec![at(5.0, "YEAR"), at(10.0, "YEAR")]);
    assert_eq!(tf("Post-program (6 months)"), vec![at(6.0, "MONTH")]);
    assert_eq!(tf("Baseline, Week 12 (±3 days)"), vec![B, at(12.0, "WEEK")]);
    assert_eq!(tf("weekly up to 3 years"), vec![every(1.0, "WEEK"), upto(3.0, "YEAR")]);
    assert_eq!(tf("4 weeks from baseline"), vec![at(4.0, "WEEK")]);
    assert_eq!(tf("15 ½ months"), vec![at(15.5, "MONTH")]);
    assert_eq!(tf("1st, 3rd and 6th months"), vec![at(1.0, "MONTH"), at(3.0, "MONTH"), at(6.0, "MONTH")]);
    assert_eq!(tf("Day 0"), vec![B]);
}

#[test]
fn time_frame_errors() {
    for t in ["", "   ", "End of treatment", "After publication", "December 2017", "Cycle 1", "2019-2021"] {
        assert!(parse_time_frame(t).is_err(), "{t:?}");
    }
}

/// (timepoints, anchor, calendar) of a reading.
type Reading = (Vec<(&'static str, Option<f64>, Option<&'static str>)>, Option<&'static str>, Option<String>);

fn reading(t: &str) -> Reading {
    match read_time_frame(t) {
        Ok(r) => (r.timepoints.into_iter().map(|p| (p.kind, p.value, p.unit)).collect(), r.anchor, r.calendar),
        Err(e) => panic!("{t:?}: {e}"),
    }
}

#[test]
fn time_frame_anchors_and_dates() {
    // Combined: a duration and an event both kept.
    assert_eq!(reading("up to 5 years or until death"), (vec![upto(5.0, "YEAR")], Some("EVENT_OR_DEATH"), None));
    assert_eq!(reading("Until disease progression"), (vec![], Some("EVENT_OR_DEATH"), None));
    assert_eq!(reading("6 months after the end of treatment"), (vec![at(6.0, "MONTH")], Some("END_OF_TREATMENT"), None));
    assert_eq!(reading("End of study"), (vec![], Some("STUDY_COMPLETION"), None));
    assert_eq!(reading("At discharge"), (vec![], Some("DISCHARGE"), None));
    assert_eq!(reading("Long term follow-up"), (vec![], Some("FOLLOW_UP"), None));
    assert_eq!(reading("Immediately after the operation"), (vec![], Some("PROCEDURE"), None));
    assert_eq!(reading("30 minutes post-dose"), (vec![at(30.0, "MINUTE")], Some("PROCEDURE"), None));
    assert_eq!(reading("At the screening visit only, single visit"), (vec![B], Some("VISIT"), None));
    // Priority: the event that ends the frame wins over the one that starts it.
    assert_eq!(reading("From surgery until relapse").1, Some("EVENT_OR_DEATH"));
    assert_eq!(reading("From infusion to hospital discharge").1, Some("DISCHARGE"));
    // A study visit is not the whole study.
    assert_eq!(reading("during study visit 3").1, Some("VISIT"));
    // Nothing to anchor: randomization / baseline are timepoints, not anchors.
    assert_eq!(reading("3 months after randomization"), (vec![at(3.0, "MONTH")], None, None));
    // Calendar dates keep their text; a year next to a unit is not a date.
    assert_eq!(reading("March 2020 to June 2021").2.as_deref(), Some("March 2020 to June 2021"));
    assert_eq!(reading("Up to 15 Jan 2023").2.as_deref(), Some("15 Jan 2023"));
    assert_eq!(reading("2018-2020").2.as_deref(), Some("2018-2020"));
    assert_eq!(reading("2000 days").2, None);
    assert_eq!(reading("Week 2019").2, None);
    assert!(read_time_frame("NCT2009 n=2010").is_err());
    // "may" is a month only before a year.
    assert!(read_time_frame("Data may be shared").is_err());
    // parse_time_frame keeps giving timepoints only, and says why there are none.
    let e = parse_time_frame("Through study completion").err().unwrap_or_default();
    assert!(e.contains("STUDY_COMPLETION"), "{e}");
    let e = parse_time_frame("December 2017").err().unwrap_or_default();
    assert!(e.contains("December 2017"), "{e}");
    assert_eq!(parse_time_frame("up to 5 years or until death"), read_time_frame("up to 5 years or until death").map(|r| r.timepoints));
}

#[test]
fn time_frame_notations_typos_seconds() {
    // French: J<n> is study day n (J0, like Day 0, is BASELINE); H0 is the hour of the
    // intervention and "H0+1h30" 1.5 hours after it.
    assert_eq!(tf("J7"), vec![at(7.0, "DAY")]);
    assert_eq!(tf("J0"), vec![B]);
    assert_eq!(tf("J-1"), vec![at(-1.0, "DAY")]);
    assert_eq!(tf("at J0+1 day"), vec![at(1.0, "DAY")]);
    assert_eq!(tf("at H0+1h30"), vec![at(1.5, "HOUR")]);
    assert_eq!(tf("at H0+6h"), vec![at(6.0, "HOUR")]);
    assert_eq!(tf("at H0+24 h"), vec![at(24.0, "HOUR")]);
    assert_eq!(tf("at H0"), vec![B]);
    assert_eq!(tf("POD 3"), vec![at(3.0, "DAY")]);
    assert_eq!(tf("second postoperative day"), vec![at(2.0, "DAY")]);
    // Unit typos after a number.
    assert_eq!(tf("1 yeare"), vec![at(1.0, "YEAR")]);
    assert_eq!(tf("6 monhts"), vec![at(6.0, "MONTH")]);
    assert_eq!(tf("2 weeeks"), vec![at(2.0, "WEEK")]);
    assert_eq!(tf("up to 3 dyas"), vec![upto(3.0, "DAY")]);
    assert_eq!(tf("12 hoursd"), vec![at(12.0, "HOUR")]);
    // ... but not other words, nor typos without a number.
    for t in ["2 ways", "3 doses", "2 dogs", "yeare", "5 mice", "4 yeast"] {
        assert!(parse_time_frame(t).is_err(), "{t:?}");
    }
    assert_eq!(tf("3 weekly"), vec![every(1.0, "WEEK")]);
    // Seconds become minutes (the contract stops at MINUTE); the label keeps the text.
    let t = parse_time_frame("10 seconds").unwrap_or_default();
    assert_eq!(t.len(), 1);
    assert_eq!((t[0].kind, t[0].unit, t[0].label.as_str()), ("AT", Some("MINUTE"), "10 seconds"));
    assert!((t[0].value.unwrap_or(f64::NAN) - 10.0 / 60.0).abs() < 1e-12);
    assert_eq!(tf("90 sec after injection"), vec![at(1.5, "MINUTE")]);
}

// ---------------------------------------------------------------- properties

/// A reading is Ok only when it holds something; its anchor is from the vocabulary; its
/// calendar date is text of the input; every timepoint has days == value * unit_days; and
/// parse_time_frame gives exactly its timepoints.
fn check_reading(s: &str) -> Result<(), TestCaseError> {
    match read_time_frame(s) {
        Ok(r) => {
            prop_assert!(!r.timepoints.is_empty() || r.anchor.is_some() || r.calendar.is_some());
            if let Some(a) = r.anchor {
                prop_assert!(ANCHORS.contains(&a), "anchor {} not in vocabulary", a);
            }
            if let Some(c) = &r.calendar {
                prop_assert!(!c.is_empty() && s.contains(c.as_str()), "calendar {:?} not in {:?}", c, s);
            }
            for p in &r.timepoints {
                prop_assert!(!p.label.is_empty());
                match (p.kind, p.value, p.unit, p.days) {
                    ("BASELINE", None, None, Some(d)) => prop_assert_eq!(d, 0.0),
                    ("AT" | "UP_TO" | "EVERY", Some(v), Some(u), Some(d)) => {
                        prop_assert!(v.is_finite());
                        prop_assert!((v * unit_days(u).unwrap_or(f64::NAN) - d).abs() <= 1e-9 * (1.0 + d.abs()), "{:?}", p);
                    }
                    other => prop_assert!(false, "inconsistent {:?}", other),
                }
            }
            match parse_time_frame(s) {
                Ok(t) => prop_assert_eq!(t, r.timepoints),
                Err(_) => prop_assert!(r.timepoints.is_empty()),
            }
        }
        Err(e) => {
            prop_assert!(!e.is_empty());
            prop_assert!(parse_time_frame(s).is_err());
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn time_frame_never_panics(s in "\\PC{0,200}") {
        let _ = parse_time_frame(&s);
    }

    #[test]
    fn time_frame_never_panics_on_time_words(s in "(up to|baseline|week|day|month|[0-9]{1,3}|-|,|and|\\(|\\)|½|six|first|every| )*") {
        if let Ok(v) = parse_time_frame(&s) {
            prop_assert!(!v.is_empty());
            for p in v {
                match (p.value, p.unit, p.days) {
                    (Some(v), Some(u), Some(d)) => prop_assert!((v * unit_days(u).unwrap_or(f64::NAN) - d).abs() < 1e-9),
                    (None, None, Some(d)) => prop_assert_eq!(d, 0.0),
                    other => prop_assert!(false, "inconsistent {:?}", other),
                }
            }
        }
    }

    #[test]
    fn read_time_frame_never_panics_and_is_consistent(s in "\\PC{0,200}") {
        check_reading(&s)?;
    }

    #[test]
    fn read_time_frame_consistent_on_time_words(s in "(up to|until|through study completion|end of treatment|death|after surgery|discharge|long-term|single visit|baseline|J[0-9]|H0\\+[0-9]h[0-9]{2}|[0-9]{1,3} (seconds|yeare|monhts|days|weeks)|May 20[0-9]{2}|20[0-9]{2}|week|day|month|[0-9]{1,3}|-|,|and|or|\\(|\\)|½|six|first|every| )*") {
        check_reading(&s)?;
    }

    #[test]
    fn stated_value_round_trips(v in 1u32..1000, u in 0usize..6) {
        let (word, unit) = [("minutes", "MINUTE"), ("hours", "HOUR"), ("days", "DAY"), ("weeks", "WEEK"), ("months", "MONTH"), ("years", "YEAR")][u];
        let t = parse_time_frame(&format!("{v} {word}")).unwrap_or_default();
        prop_assert_eq!(t.len(), 1);
        prop_assert_eq!(t[0].value, Some(v as f64));
        prop_assert_eq!(t[0].unit, Some(unit));
        prop_assert_eq!(t[0].days, Some(v as f64 * unit_days(unit).unwrap_or(f64::NAN)));
    }

    #[test]
    fn dose_never_panics(s in "\\PC{0,200}") {
        let _ = parse_dose_text(&s);
    }

    #[test]
    fn dose_never_panics_on_number_soup(s in "([0-9]{1,3}|x|×|\\^|10|e|\\.|,|-| |cells|/kg|/m2|million|⁶|\\(|\\))*") {
        for d in parse_dose_text(&s) {
            prop_assert!(d.per_kg.or(d.total).or(d.per_m2).is_some_and(|v| v >= 1e4 && v.is_finite()));
        }
    }

    #[test]
    fn scientific_round_trips(a in 1u32..100, tenth in 0u32..10, b in 4i32..12, kg in proptest::bool::ANY, sep in 0usize..4) {
        let coef = a as f64 + tenth as f64 / 10.0;
        let s = [" x 10^", "x10^", " × 10^", "*10^"][sep];
        let unit = if kg { "cells/kg" } else { "cells" };
        let t = format!("{coef}{s}{b} {unit}");
        let v = parse_dose_text(&t);
        prop_assert_eq!(v.len(), 1, "{}", t);
        let got = if kg { v[0].per_kg } else { v[0].total };
        let want = coef * 10f64.powi(b);
        prop_assert!(got.is_some_and(|g| (g - want).abs() <= 1e-9 * want), "{} -> {:?}", t, got);
    }

    #[test]
    fn cell_functions_never_panic(s in "\\PC{0,200}") {
        let _ = trialtables_normalize::cell::source_in(&s);
        let _ = trialtables_normalize::cell::origin_in(&s);
        let _ = trialtables_normalize::cell::mentions_cells(&s);
    }
}

/// Every field a page can state twice, with a main value and a conflicting second statement:
/// the compared ones give exactly one WARNING naming the field; the ignored ones give none.
/// A new `StatedField` variant fails here until it is put in one list or the other.
#[test]
fn fields_stated_twice_are_compared_or_deliberately_ignored() {
    use trialtables_extract::{AlsoStated, StatedField as F};
    // (field, main value, conflicting second statement, compared?)
    let cases: &[(F, &str, &str, bool)] = &[
        (F::Phase, "Phase 1", "Phase 2", true),
        (F::OverallStatus, "Recruiting", "Completed", true),
        (F::LastKnownStatus, "Recruiting", "Completed", true),
        (F::StudyType, "Interventional", "Observational", true),
        (F::Enrollment, "20", "30", true),
        (F::MinAgeYears, "18 Years", "20 Years", true),
        (F::MaxAgeYears, "65 Years", "70 Years", true),
        (F::Sex, "Male", "Female", true),
        (F::HealthyVolunteers, "No", "Yes", true),
        (F::StartDate, "June 2009", "July 2009", true),
        (F::PrimaryCompletionDate, "June 2010", "July 2010", true),
        (F::CompletionDate, "June 2011", "July 2011", true),
        (F::Allocation, "Randomized", "Non-Randomized", true),
        (F::InterventionModel, "Parallel Assignment", "Single Group Assignment", true),
        (F::PrimaryPurpose, "Treatment", "Prevention", true),
        (F::Masking, "Double", "None (Open Label)", false),
        (F::StartDateType, "Actual", "Anticipated", false),
        (F::PrimaryCompletionDateType, "Actual", "Anticipated", false),
        (F::CompletionDateType, "Actual", "Anticipated", false),
        (F::EnrollmentType, "Actual", "Anticipated", false),
        (F::FirstPostedDate, "June 2009", "July 2009", false),
        (F::LastUpdateDate, "June 2009", "July 2009", false),
        (F::BriefTitle, "A", "B", false),
        (F::OfficialTitle, "A", "B", false),
        (F::BriefSummary, "A", "B", false),
        (F::DetailedDescription, "A", "B", false),
        (F::LeadSponsor, "A", "B", false),
    ];
    let listed: Vec<F> = cases.iter().map(|c| c.0).collect();
    for f in F::ALL {
        assert!(listed.contains(&f), "{f:?} is neither compared nor ignored in this test");
    }
    for &(field, main, other, compared) in cases {
        let mut rr = RawRecord::new("p.txt", SourceFormat::CtgovClassic2014, 1);
        rr.nct_id = Some(r("NCT01234567"));
        if field == F::Phase {
            rr.phases.push(r(main));
        }
        let mut phase_slot = None;
        let slot = match field {
            F::Phase => &mut phase_slot,
            F::OverallStatus => &mut rr.overall_status,
            F::LastKnownStatus => &mut rr.last_known_status,
            F::StudyType => &mut rr.study_type,
            F::Enrollment => &mut rr.enrollment,
            F::MinAgeYears => &mut rr.min_age,
            F::MaxAgeYears => &mut rr.max_age,
            F::Sex => &mut rr.sex,
            F::HealthyVolunteers => &mut rr.healthy_volunteers,
            F::StartDate => &mut rr.start_date,
            F::PrimaryCompletionDate => &mut rr.primary_completion_date,
            F::CompletionDate => &mut rr.completion_date,
            F::Allocation => &mut rr.allocation,
            F::InterventionModel => &mut rr.intervention_model,
            F::PrimaryPurpose => &mut rr.primary_purpose,
            F::Masking => &mut rr.masking,
            F::StartDateType => &mut rr.start_date_type,
            F::PrimaryCompletionDateType => &mut rr.primary_completion_date_type,
            F::CompletionDateType => &mut rr.completion_date_type,
            F::EnrollmentType => &mut rr.enrollment_type,
            F::FirstPostedDate => &mut rr.first_posted_date,
            F::LastUpdateDate => &mut rr.last_update_date,
            F::BriefTitle => &mut rr.brief_title,
            F::OfficialTitle => &mut rr.official_title,
            F::BriefSummary => &mut rr.brief_summary,
            F::DetailedDescription => &mut rr.detailed_description,
            F::LeadSponsor => &mut rr.lead_sponsor,
        };
        *slot = Some(r(main));
        rr.also_stated.push(AlsoStated { field, value: r(other) });
        let n = trialtables_normalize::normalize(&rr, &trialtables_normalize::NormalizeConfig::default());
        let conflicts: Vec<_> = n.issues.iter().filter(|i| i.message.starts_with("conflicting values")).collect();
        if compared {
            assert_eq!(conflicts.len(), 1, "{field:?}: {:?}", n.issues);
            assert_eq!(conflicts[0].field.as_deref(), Some(field.as_str()));
        } else {
            assert!(conflicts.is_empty(), "{field:?} is ignored: {conflicts:?}");
        }
    }
}

// ---------------------------------------------------------------- eligibility criteria

/// A line of a generated criteria text: a heading (with the kind it sets), a bulleted item,
/// a plain line, or a blank line.
#[derive(Debug, Clone)]
enum CritLine {
    Heading(&'static str, Option<&'static str>),
    Bullet(&'static str, Vec<String>),
    Plain(Vec<String>),
    Blank,
}

fn crit_line() -> impl Strategy<Value = CritLine> {
    let words = prop::collection::vec("[a-z]{1,6}", 1..8);
    prop_oneof![
        prop::sample::select(vec![
            ("Inclusion Criteria:", Some("INCLUSION")),
            ("INCLUSION CRITERIA:", Some("INCLUSION")),
            ("Key Exclusion Criteria", Some("EXCLUSION")),
            ("Exclusion Criteria:", Some("EXCLUSION")),
            ("Eligibility Criteria:", None),
        ])
        .prop_map(|(h, k)| CritLine::Heading(h, k)),
        (prop::sample::select(vec!["*", "-", "•", "1.", "12)", "a)", "(iv)"]), words.clone()).prop_map(|(b, w)| CritLine::Bullet(b, w)),
        words.prop_map(CritLine::Plain),
        Just(CritLine::Blank),
    ]
}

proptest! {
    #[test]
    fn criteria_splitter_never_panics(s in "\\PC{0,400}") {
        for c in trialtables_normalize::eligibility::split_criteria(&s) {
            prop_assert!(!c.text.is_empty());
            prop_assert_eq!(c.text.trim(), c.text.as_str());
        }
    }

    /// Every word of every non-heading line is in the items, in order, and nothing else; each
    /// item has the kind of the last heading above it.
    #[test]
    fn criteria_items_keep_every_word_under_their_heading(lines in prop::collection::vec(crit_line(), 0..30)) {
        let mut text = String::new();
        let mut want_words: Vec<String> = Vec::new();
        // (kind, first word) of every item start.
        let mut starts: Vec<(Option<&str>, String)> = Vec::new();
        let mut kind = None;
        let mut prev_text = false;
        for l in &lines {
            match l {
                CritLine::Heading(h, k) => {
                    text.push_str(h);
                    kind = *k;
                    prev_text = false;
                }
                CritLine::Bullet(b, w) => {
                    text.push_str(&format!("{b} {}", w.join(" ")));
                    starts.push((kind, w[0].clone()));
                    want_words.extend(w.iter().cloned());
                    prev_text = true;
                }
                CritLine::Plain(w) => {
                    text.push_str(&w.join(" "));
                    if !prev_text {
                        starts.push((kind, w[0].clone()));
                    }
                    want_words.extend(w.iter().cloned());
                    prev_text = true;
                }
                CritLine::Blank => prev_text = false,
            }
            text.push('\n');
        }
        let items = trialtables_normalize::eligibility::split_criteria(&text);
        let got_words: Vec<String> = items.iter().flat_map(|c| c.text.split_whitespace().map(str::to_string)).collect();
        prop_assert_eq!(got_words, want_words);
        let got_starts: Vec<(Option<&str>, String)> =
            items.iter().map(|c| (c.kind, c.text.split_whitespace().next().unwrap_or("").to_string())).collect();
        prop_assert_eq!(got_starts, starts);
    }
}
