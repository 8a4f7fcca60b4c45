//! The protocol tables of issue 17 (sponsors, sites, MeSH terms, keywords, secondary ids and
//! eligibility items) and the `trials` columns that go with them (acronym, ids, why stopped,
//! results flags, number of arms, sponsor class, responsible party, criteria text, countries).
//!
//! Kept apart from `record.rs` because it is one self-contained step: every value here comes
//! from raw fields no other step reads, so `normalize()` calls [`rows`] once and moves the
//! rows into [`Normalized`]. Enum spellings go through [`crate::enums`] (an unknown one is
//! null plus a WARNING); numbers that cannot be read are null plus a WARNING.

use crate::eligibility::split_criteria;
use crate::enums;
use crate::model::*;
use crate::record::{text, Ctx};
use trialtables_extract::{Raw, RawMeshTerm, Severity};

/// The rows of the protocol tables for one record.
#[derive(Debug, Default)]
pub(crate) struct ProtocolRows {
    pub(crate) sponsors: Vec<Sponsor>,
    pub(crate) locations: Vec<Location>,
    pub(crate) browse_conditions: Vec<BrowseTerm>,
    pub(crate) browse_interventions: Vec<BrowseTerm>,
    pub(crate) keywords: Vec<Keyword>,
    pub(crate) secondary_ids: Vec<SecondaryId>,
    pub(crate) eligibility: Vec<EligibilityCriterion>,
}

/// Reads "true"/"false" (and yes/no) as stated by `hasResults`.
pub fn parse_flag(text: &str) -> Option<bool> {
    match enums::canon(text).as_str() {
        "TRUE" | "YES" | "Y" => Some(true),
        "FALSE" | "NO" | "N" => Some(false),
        _ => None,
    }
}

/// Reads a stated count ("3"); `None` for anything else.
pub fn parse_count(text: &str) -> Option<i64> {
    let t = text.trim();
    (!t.is_empty() && t.len() <= 9 && t.bytes().all(|b| b.is_ascii_digit())).then(|| t.parse().ok()).flatten()
}

/// Reads a coordinate in degrees within `limit` (90 for latitude, 180 for longitude).
pub fn parse_degrees(text: &str, limit: f64) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|v| v.is_finite() && v.abs() <= limit)
}

/// Fills the protocol columns of `trial` and returns the protocol tables' rows.
pub(crate) fn rows(cx: &mut Ctx<'_>, trial: &mut Trial) -> ProtocolRows {
    let raw = cx.raw;
    let nct = cx.nct.clone();
    trial.acronym = text(&raw.acronym);
    trial.org_study_id = text(&raw.org_study_id);
    trial.why_stopped = text(&raw.why_stopped);
    trial.has_results = raw.has_results.as_ref().and_then(|r| flag(cx, "has_results", r));
    (trial.results_first_posted_date, trial.results_first_posted_date_raw) =
        cx.date("results_first_posted_date", &raw.results_first_posted_date);
    trial.number_of_arms = number_of_arms(cx);
    trial.lead_sponsor_class = cx.map_enum("lead_sponsor_class", &raw.lead_sponsor_class, enums::agency_class);
    if let Some(rp) = &raw.responsible_party {
        trial.responsible_party_type = cx.map_enum("responsible_party_type", &rp.party_type, enums::responsible_party_type);
        trial.responsible_party_name = text(&rp.name);
        trial.responsible_party_affiliation = text(&rp.affiliation);
    }
    trial.eligibility_criteria = text(&raw.eligibility_criteria);

    let mut out = ProtocolRows::default();
    if let Some(name) = &raw.lead_sponsor {
        out.sponsors.push(Sponsor {
            nct_id: nct.clone(),
            sponsor_index: 0,
            role: "LEAD".to_string(),
            name: name.text.clone(),
            agency_class: trial.lead_sponsor_class.clone(),
        });
    }
    for (i, c) in raw.collaborators.iter().enumerate() {
        out.sponsors.push(Sponsor {
            nct_id: nct.clone(),
            sponsor_index: i as i64 + 1,
            role: "COLLABORATOR".to_string(),
            name: c.name.text.clone(),
            agency_class: cx.map_enum("collaborator_class", &c.agency_class, enums::agency_class),
        });
    }

    for (i, l) in raw.locations.iter().enumerate() {
        out.locations.push(Location {
            nct_id: nct.clone(),
            location_index: i as i64,
            facility: text(&l.facility),
            city: text(&l.city),
            state: text(&l.state),
            zip: text(&l.zip),
            country: text(&l.country),
            status: cx.map_enum("location_status", &l.status, enums::overall_status),
            latitude: degrees(cx, "latitude", &l.latitude, 90.0),
            longitude: degrees(cx, "longitude", &l.longitude, 180.0),
        });
    }
    let mut countries: Vec<String> = out.locations.iter().filter_map(|l| l.country.clone()).collect();
    countries.sort();
    countries.dedup();
    trial.countries = countries;

    out.browse_conditions = browse(&nct, &raw.condition_browse);
    out.browse_interventions = browse(&nct, &raw.intervention_browse);
    out.keywords = raw
        .keywords
        .iter()
        .enumerate()
        .map(|(i, k)| Keyword { nct_id: nct.clone(), keyword_index: i as i64, keyword: k.text.clone() })
        .collect();
    for (i, s) in raw.secondary_ids.iter().enumerate() {
        out.secondary_ids.push(SecondaryId {
            nct_id: nct.clone(),
            secondary_id_index: i as i64,
            secondary_id: s.id.text.clone(),
            id_type: cx.map_enum("secondary_id_type", &s.id_type, enums::secondary_id_type),
            domain: text(&s.domain),
            link: text(&s.link),
        });
    }
    if let Some(c) = &raw.eligibility_criteria {
        out.eligibility = split_criteria(&c.text)
            .into_iter()
            .enumerate()
            .map(|(i, item)| EligibilityCriterion {
                nct_id: nct.clone(),
                criterion_index: i as i64,
                kind: item.kind.map(str::to_string),
                heading: item.heading,
                text: item.text,
            })
            .collect();
        if out.eligibility.is_empty() {
            cx.issue(
                Severity::Info,
                "eligibility_criteria",
                c.line,
                "eligibility criteria hold headings only: no criterion item".to_string(),
                Some(&c.text),
            );
        }
    }
    out
}

fn flag(cx: &mut Ctx<'_>, field: &str, r: &Raw) -> Option<bool> {
    let v = parse_flag(&r.text);
    if v.is_none() {
        cx.issue(Severity::Warning, field, r.line, format!("{field}: {:?} is not true/false; left null", r.text), Some(&r.text));
    }
    v
}

fn degrees(cx: &mut Ctx<'_>, field: &str, r: &Option<Raw>, limit: f64) -> Option<f64> {
    let r = r.as_ref()?;
    let v = parse_degrees(&r.text, limit);
    if v.is_none() {
        cx.issue(
            Severity::Warning,
            field,
            r.line,
            format!("{field}: {:?} is not a number of degrees within ±{limit}; left null", r.text),
            Some(&r.text),
        );
    }
    v
}

/// The number of arms as stated; else the number of arm groups read (null when none). A
/// stated number that is not a count is null plus a WARNING, and the arms read stand in.
fn number_of_arms(cx: &mut Ctx<'_>) -> Option<i64> {
    let raw = cx.raw;
    let counted = (!raw.arms.is_empty()).then_some(raw.arms.len() as i64);
    let Some(r) = &raw.number_of_arms else { return counted };
    match parse_count(&r.text) {
        Some(n) => Some(n),
        None => {
            cx.issue(
                Severity::Warning,
                "number_of_arms",
                r.line,
                format!("number_of_arms: {:?} is not a count; the {} arm groups listed are counted instead", r.text, raw.arms.len()),
                Some(&r.text),
            );
            counted
        }
    }
}

fn browse(nct: &str, terms: &[RawMeshTerm]) -> Vec<BrowseTerm> {
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| BrowseTerm {
            nct_id: nct.to_string(),
            term_index: i as i64,
            mesh_id: text(&t.mesh_id),
            term: t.term.text.clone(),
            match_type: if t.ancestor { "ANCESTOR" } else { "DIRECT" }.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NormalizeConfig;
    use trialtables_extract::{RawArm, RawLocation, RawRecord, RawResponsibleParty, RawSponsor, SourceFormat};

    fn raw(text: &str, line: u32) -> Option<Raw> {
        Raw::non_empty(text, line)
    }

    fn site(country: &str, status: &str, lat: &str) -> RawLocation {
        RawLocation {
            facility: raw("Clinic", 1),
            city: None,
            state: None,
            zip: None,
            country: raw(country, 2),
            status: raw(status, 3),
            latitude: raw(lat, 4),
            longitude: raw("10.5", 5),
        }
    }

    #[test]
    fn scalars_flags_and_unknown_spellings() {
        assert_eq!(parse_flag("true"), Some(true));
        assert_eq!(parse_flag("No"), Some(false));
        assert_eq!(parse_flag("maybe"), None);
        assert_eq!(parse_count("3"), Some(3));
        assert_eq!(parse_count("3 arms"), None);
        assert_eq!(parse_degrees("-71.41283", 180.0), Some(-71.41283));
        assert_eq!(parse_degrees("95", 90.0), None);
        assert_eq!(parse_degrees("NaN", 90.0), None);
    }

    #[test]
    fn a_record_gives_sponsor_site_and_trial_values() {
        let mut r = RawRecord::new("x.xml", SourceFormat::CtgovLegacyXml, 1);
        r.nct_id = raw("NCT00000001", 2);
        r.lead_sponsor = raw("Acme", 3);
        r.lead_sponsor_class = raw("U.S. Fed", 4);
        r.collaborators = vec![
            RawSponsor { name: Raw { text: "NCI".into(), line: 5 }, agency_class: raw("NIH", 5) },
            RawSponsor { name: Raw { text: "Odd".into(), line: 6 }, agency_class: raw("Pharma", 6) },
        ];
        r.responsible_party = Some(RawResponsibleParty {
            party_type: raw("Sponsor-Investigator", 7),
            name: raw("Dr X", 8),
            title: None,
            affiliation: raw("Uni", 9),
        });
        r.locations = vec![site("France", "Recruiting", "48.85"), site("Brazil", "Withdrawn", "abc"), site("France", "Bogus", "1")];
        r.number_of_arms = raw("two", 10);
        r.arms = vec![RawArm { label: Raw { text: "A".into(), line: 11 }, arm_type: None, description: None, intervention_names: vec![] }];
        r.has_results = raw("true", 12);
        r.results_first_posted_date = raw("September 28, 2015", 13);
        r.eligibility_criteria = raw("Inclusion Criteria:\n- adults\nExclusion Criteria:\n- children", 14);
        let n = crate::normalize(&r, &NormalizeConfig::default());
        let t = &n.trial;
        assert_eq!(t.lead_sponsor_class.as_deref(), Some("FED"));
        assert_eq!(t.responsible_party_type.as_deref(), Some("SPONSOR_INVESTIGATOR"));
        assert_eq!((t.responsible_party_name.as_deref(), t.responsible_party_affiliation.as_deref()), (Some("Dr X"), Some("Uni")));
        assert_eq!(t.countries, vec!["Brazil".to_string(), "France".to_string()]);
        assert_eq!(t.number_of_arms, Some(1));
        assert_eq!(t.has_results, Some(true));
        assert_eq!(t.results_first_posted_date.map(|d| crate::dates::to_iso(&d)), Some("2015-09-28".to_string()));
        assert_eq!(t.results_first_posted_date_raw.as_deref(), Some("September 28, 2015"));
        let roles: Vec<(i64, &str, &str, Option<&str>)> =
            n.sponsors.iter().map(|s| (s.sponsor_index, s.role.as_str(), s.name.as_str(), s.agency_class.as_deref())).collect();
        assert_eq!(
            roles,
            vec![(0, "LEAD", "Acme", Some("FED")), (1, "COLLABORATOR", "NCI", Some("NIH")), (2, "COLLABORATOR", "Odd", None)]
        );
        let statuses: Vec<Option<&str>> = n.locations.iter().map(|l| l.status.as_deref()).collect();
        assert_eq!(statuses, vec![Some("RECRUITING"), Some("WITHDRAWN"), None]);
        assert_eq!(n.locations[0].latitude, Some(48.85));
        assert_eq!(n.locations[1].latitude, None);
        let kinds: Vec<Option<&str>> = n.eligibility.iter().map(|e| e.kind.as_deref()).collect();
        assert_eq!(kinds, vec![Some("INCLUSION"), Some("EXCLUSION")]);
        // Every unreadable value is a finding naming its field and line.
        let warned: Vec<(&str, i64)> = n.issues.iter().filter_map(|i| i.field.as_deref().map(|f| (f, i.line))).collect();
        for want in [("collaborator_class", 6), ("location_status", 3), ("latitude", 4), ("number_of_arms", 10)] {
            assert!(warned.contains(&want), "{want:?} not in {warned:?}");
        }
    }

    #[test]
    fn stated_arm_count_wins_and_no_arms_is_null() {
        let mut r = RawRecord::new("x.json", SourceFormat::CtgovApiV2Json, 1);
        r.nct_id = raw("NCT00000002", 1);
        assert_eq!(crate::normalize(&r, &NormalizeConfig::default()).trial.number_of_arms, None);
        r.number_of_arms = raw("4", 2);
        assert_eq!(crate::normalize(&r, &NormalizeConfig::default()).trial.number_of_arms, Some(4));
    }
}
