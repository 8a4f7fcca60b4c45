//! Enum spellings of every input form mapped to ClinicalTrials.gov API v2 values: "Phase
//! 1/Phase 2" and "PHASE1, PHASE2" -> PHASE1 + PHASE2, "Anticipated" -> ESTIMATED, "None (Open
//! Label)" -> NONE, "Both" -> ALL, "Non-Randomized" -> NON_RANDOMIZED, "Unknown status" ->
//! UNKNOWN. Each mapper returns `None` for a spelling it does not know (the caller logs it).

/// ASCII upper-case, everything else to single `_`, trimmed: "Non-Randomized" -> "NON_RANDOMIZED".
pub fn canon(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_uppercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

fn lookup(text: &str, values: &[&'static str], aliases: &[(&str, &'static str)]) -> Option<&'static str> {
    let c = canon(text);
    if let Some(v) = values.iter().find(|v| **v == c) {
        return Some(v);
    }
    aliases.iter().find(|(a, _)| *a == c).map(|(_, v)| *v)
}

/// Overall (or last known) recruitment status.
pub fn overall_status(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &[
            "ACTIVE_NOT_RECRUITING",
            "COMPLETED",
            "ENROLLING_BY_INVITATION",
            "NOT_YET_RECRUITING",
            "RECRUITING",
            "SUSPENDED",
            "TERMINATED",
            "WITHDRAWN",
            "AVAILABLE",
            "NO_LONGER_AVAILABLE",
            "TEMPORARILY_NOT_AVAILABLE",
            "APPROVED_FOR_MARKETING",
            "WITHHELD",
            "UNKNOWN",
        ],
        &[
            ("UNKNOWN_STATUS", "UNKNOWN"),
            ("ACTIVE_NOT_RECRUITING", "ACTIVE_NOT_RECRUITING"),
            ("ACTIVE", "ACTIVE_NOT_RECRUITING"),
            ("ENROLLING_BY_INVITATION_ONLY", "ENROLLING_BY_INVITATION"),
            ("TEMPORARILY_UNAVAILABLE", "TEMPORARILY_NOT_AVAILABLE"),
            ("NO_LONGER_RECRUITING", "ACTIVE_NOT_RECRUITING"),
        ],
    )
}

/// Study type.
pub fn study_type(text: &str) -> Option<&'static str> {
    let c = canon(text);
    // "Interventional (Clinical Trial)", "Observational [Patient Registry]"
    for v in ["INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"] {
        if c == v || c.starts_with(&format!("{v}_")) {
            return Some(v);
        }
    }
    None
}

/// Phases stated in one text: "Phase 1/Phase 2", "Phase 1, Phase 2", "PHASE1/PHASE2",
/// "Phase I/II", "Early Phase 1", "N/A", "Not Applicable". `None` when not a phase.
pub fn phases(text: &str) -> Option<Vec<&'static str>> {
    let c = canon(text);
    if matches!(c.as_str(), "N_A" | "NA" | "NOT_APPLICABLE" | "NONE") {
        return Some(vec!["NA"]);
    }
    let mut out: Vec<&'static str> = Vec::new();
    let toks: Vec<&str> = c.split('_').collect();
    let mut i = 0;
    let mut early = false;
    let mut saw_phase_word = false;
    while i < toks.len() {
        let t = toks[i];
        let num = |s: &str| -> Option<&'static str> {
            match s {
                "0" => Some("EARLY_PHASE1"),
                "1" | "I" => Some("PHASE1"),
                "2" | "II" => Some("PHASE2"),
                "3" | "III" => Some("PHASE3"),
                "4" | "IV" => Some("PHASE4"),
                _ => None,
            }
        };
        if t == "EARLY" {
            early = true;
        } else if let Some(rest) = t.strip_prefix("PHASE") {
            saw_phase_word = true;
            if rest.is_empty() {
                // number follows
            } else if let Some(p) = num(rest) {
                out.push(if early && p == "PHASE1" { "EARLY_PHASE1" } else { p });
                early = false;
            } else if rest == "1PHASE2" {
                out.extend(["PHASE1", "PHASE2"]);
            } else {
                return None;
            }
        } else if let Some(p) = num(t) {
            if !saw_phase_word {
                return None;
            }
            out.push(if early && p == "PHASE1" { "EARLY_PHASE1" } else { p });
            early = false;
        } else if t == "AND" || t == "OR" || t.is_empty() {
        } else {
            return None;
        }
        i += 1;
    }
    if out.is_empty() {
        return None;
    }
    out.sort_by_key(|p| phase_rank(p));
    out.dedup();
    Some(out)
}

fn phase_rank(p: &str) -> u8 {
    match p {
        "NA" => 0,
        "EARLY_PHASE1" => 1,
        "PHASE1" => 2,
        "PHASE2" => 3,
        "PHASE3" => 4,
        _ => 5,
    }
}

/// Allocation.
pub fn allocation(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &["RANDOMIZED", "NON_RANDOMIZED", "NA"],
        &[("N_A", "NA"), ("NON_RANDOMISED", "NON_RANDOMIZED"), ("RANDOMISED", "RANDOMIZED"), ("NONRANDOMIZED", "NON_RANDOMIZED")],
    )
}

/// Intervention model.
pub fn intervention_model(text: &str) -> Option<&'static str> {
    let c = canon(text);
    for (prefix, v) in [
        ("SINGLE_GROUP", "SINGLE_GROUP"),
        ("PARALLEL", "PARALLEL"),
        ("CROSSOVER", "CROSSOVER"),
        ("CROSS_OVER", "CROSSOVER"),
        ("FACTORIAL", "FACTORIAL"),
        ("SEQUENTIAL", "SEQUENTIAL"),
    ] {
        if c == prefix || c.starts_with(&format!("{prefix}_")) {
            return Some(v);
        }
    }
    None
}

/// Masking: "None (Open Label)", "Open Label", "Double (Participant, Investigator)",
/// "Double Blind", "QUADRUPLE".
pub fn masking(text: &str) -> Option<&'static str> {
    // The masked parties, when listed, are what API v2 counts ("Double Blind (Subject,
    // Caregiver, Investigator)" is TRIPLE).
    if let Some(n) = masked_parties(text) {
        return Some(["SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"][n - 1]);
    }
    let c = canon(text);
    if c.starts_with("NONE") || c.starts_with("OPEN_LABEL") || c == "OPEN" || c == "NO_MASKING" {
        return Some("NONE");
    }
    for v in ["SINGLE", "DOUBLE", "TRIPLE", "QUADRUPLE"] {
        if c == v || c.starts_with(&format!("{v}_")) {
            return Some(v);
        }
    }
    None
}

/// The number (1-4) of masked parties in a "(Participant, Care Provider, ...)" list, when
/// the text has one made only of party names.
fn masked_parties(text: &str) -> Option<usize> {
    let open = text.find('(')?;
    let inner = text[open + 1..].strip_suffix(')').or_else(|| text[open + 1..].trim_end().strip_suffix(')'))?;
    let mut n = 0;
    for part in inner.split(',') {
        let c = canon(part);
        let party = ["SUBJECT", "PARTICIPANT", "CAREGIVER", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR", "OUTCOME_ASSESSOR"];
        if !party.contains(&c.as_str()) {
            return None;
        }
        n += 1;
    }
    (1..=4).contains(&n).then_some(n)
}

/// Primary purpose.
pub fn primary_purpose(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &[
            "TREATMENT",
            "PREVENTION",
            "DIAGNOSTIC",
            "ECT",
            "SUPPORTIVE_CARE",
            "SCREENING",
            "HEALTH_SERVICES_RESEARCH",
            "BASIC_SCIENCE",
            "DEVICE_FEASIBILITY",
            "OTHER",
        ],
        &[("EDUCATIONAL_COUNSELING_TRAINING", "ECT")],
    )
}

/// Sex: "Both"/"All" -> ALL.
pub fn sex(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &["ALL", "FEMALE", "MALE"],
        &[("BOTH", "ALL"), ("ALL_SEXES", "ALL"), ("FEMALES", "FEMALE"), ("MALES", "MALE"), ("WOMEN", "FEMALE"), ("MEN", "MALE")],
    )
}

/// Accepts healthy volunteers: "Yes"/"No"/"true"/"false"/"Accepts Healthy Volunteers".
pub fn healthy_volunteers(text: &str) -> Option<bool> {
    let c = canon(text);
    match c.as_str() {
        "YES" | "TRUE" | "Y" | "ACCEPTS_HEALTHY_VOLUNTEERS" => Some(true),
        "NO" | "FALSE" | "N" | "DOES_NOT_ACCEPT_HEALTHY_VOLUNTEERS" => Some(false),
        _ => None,
    }
}

/// Arm type: "Experimental", "Active Comparator", "PLACEBO_COMPARATOR", "No Intervention".
pub fn arm_type(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &["EXPERIMENTAL", "ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR", "NO_INTERVENTION", "OTHER"],
        &[("GROUP_TYPE_EXPERIMENTAL", "EXPERIMENTAL")],
    )
}

/// Intervention type.
pub fn intervention_type(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &[
            "BEHAVIORAL",
            "BIOLOGICAL",
            "COMBINATION_PRODUCT",
            "DEVICE",
            "DIAGNOSTIC_TEST",
            "DIETARY_SUPPLEMENT",
            "DRUG",
            "GENETIC",
            "PROCEDURE",
            "RADIATION",
            "OTHER",
        ],
        &[("BIOLOGIC", "BIOLOGICAL"), ("PROCEDURE_SURGERY", "PROCEDURE"), ("BEHAVIOURAL", "BEHAVIORAL")],
    )
}

/// Reference type: "background", "Results Reference", "RESULT", "derived".
pub fn reference_type(text: &str) -> Option<&'static str> {
    // Classic pages state the type by the heading the citations stand under.
    let c = canon(text);
    if c.contains("AUTOMATICALLY_INDEXED") {
        return Some("DERIVED");
    }
    if c == "PUBLICATIONS_OF_RESULTS" {
        return Some("RESULT");
    }
    if c == "PUBLICATIONS" || c == "ADDITIONAL_PUBLICATIONS" {
        return Some("BACKGROUND");
    }
    lookup(
        text,
        &["BACKGROUND", "RESULT", "DERIVED"],
        &[("RESULTS", "RESULT"), ("RESULTS_REFERENCE", "RESULT"), ("RESULT_REFERENCE", "RESULT")],
    )
}

/// Date or enrollment type: "Actual", "Anticipated"/"Estimated"/"Expected" -> ESTIMATED.
pub fn actual_or_estimated(text: &str) -> Option<&'static str> {
    lookup(text, &["ACTUAL", "ESTIMATED"], &[("ANTICIPATED", "ESTIMATED"), ("EXPECTED", "ESTIMATED"), ("ESTIMATE", "ESTIMATED")])
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn masking_counts_the_listed_parties() {
        assert_eq!(masking("Double Blind (Subject, Caregiver, Investigator)"), Some("TRIPLE"));
        assert_eq!(masking("Triple (Participant, Care Provider, Investigator)"), Some("TRIPLE"));
        assert_eq!(masking("Double (Participant, Investigator)"), Some("DOUBLE"));
        assert_eq!(masking("Double Blind (Subject, Caregiver, Investigator, Outcomes Assessor)"), Some("QUADRUPLE"));
        assert_eq!(masking("Single Blind (Outcomes Assessor)"), Some("SINGLE"));
        assert_eq!(masking("None (Open Label)"), Some("NONE"));
        assert_eq!(masking("Double Blind"), Some("DOUBLE"));
        assert_eq!(masking("Double (unclear)"), Some("DOUBLE"));
    }

    #[test]
    fn classic_publication_headings_are_reference_types() {
        assert_eq!(reference_type("Publications"), Some("BACKGROUND"));
        assert_eq!(reference_type("Additional publications"), Some("BACKGROUND"));
        assert_eq!(reference_type("Publications of Results"), Some("RESULT"));
        assert_eq!(
            reference_type("Publications automatically indexed to this study by ClinicalTrials.gov Identifier (NCT Number)"),
            Some("DERIVED")
        );
        assert_eq!(reference_type("Additional publications automatically indexed to this study"), Some("DERIVED"));
    }

    #[test]
    fn phase_spellings() {
        let p12 = Some(vec!["PHASE1", "PHASE2"]);
        assert_eq!(phases("Phase 1/Phase 2"), p12);
        assert_eq!(phases("Phase 1, Phase 2"), p12);
        assert_eq!(phases("PHASE1/PHASE2"), p12);
        assert_eq!(phases("PHASE2, PHASE1"), p12);
        assert_eq!(phases("Phase I/II"), p12);
        assert_eq!(phases("Phase 1"), Some(vec!["PHASE1"]));
        assert_eq!(phases("PHASE1"), Some(vec!["PHASE1"]));
        assert_eq!(phases("Early Phase 1"), Some(vec!["EARLY_PHASE1"]));
        assert_eq!(phases("EARLY_PHASE1"), Some(vec!["EARLY_PHASE1"]));
        assert_eq!(phases("N/A"), Some(vec!["NA"]));
        assert_eq!(phases("Not Applicable"), Some(vec!["NA"]));
        assert_eq!(phases("Phase 4"), Some(vec!["PHASE4"]));
        assert_eq!(phases("Recruiting"), None);
        assert_eq!(phases("2"), None);
    }

    #[test]
    fn other_spellings() {
        assert_eq!(overall_status("Unknown status"), Some("UNKNOWN"));
        assert_eq!(overall_status("Recruiting"), Some("RECRUITING"));
        assert_eq!(overall_status("Active, not recruiting"), Some("ACTIVE_NOT_RECRUITING"));
        assert_eq!(overall_status("Enrolling by invitation"), Some("ENROLLING_BY_INVITATION"));
        assert_eq!(study_type("Interventional  (Clinical Trial)"), Some("INTERVENTIONAL"));
        assert_eq!(allocation("Non-Randomized"), Some("NON_RANDOMIZED"));
        assert_eq!(allocation("N/A"), Some("NA"));
        assert_eq!(intervention_model("Single Group Assignment"), Some("SINGLE_GROUP"));
        assert_eq!(intervention_model("Parallel Assignment"), Some("PARALLEL"));
        assert_eq!(masking("None (Open Label)"), Some("NONE"));
        assert_eq!(masking("Open Label"), Some("NONE"));
        assert_eq!(masking("Double (Participant, Investigator)"), Some("DOUBLE"));
        assert_eq!(masking("Double Blind (Subject, Investigator)"), Some("DOUBLE"));
        assert_eq!(masking("QUADRUPLE"), Some("QUADRUPLE"));
        assert_eq!(primary_purpose("Supportive Care"), Some("SUPPORTIVE_CARE"));
        assert_eq!(sex("Both"), Some("ALL"));
        assert_eq!(healthy_volunteers("No"), Some(false));
        assert_eq!(healthy_volunteers("true"), Some(true));
        assert_eq!(arm_type("Active Comparator"), Some("ACTIVE_COMPARATOR"));
        assert_eq!(intervention_type("Biological"), Some("BIOLOGICAL"));
        assert_eq!(reference_type("background"), Some("BACKGROUND"));
        assert_eq!(reference_type("derived"), Some("DERIVED"));
        assert_eq!(actual_or_estimated("Anticipated"), Some("ESTIMATED"));
        assert_eq!(actual_or_estimated("Actual"), Some("ACTUAL"));
        assert_eq!(actual_or_estimated("undefined"), None);
    }

    proptest! {
        #[test]
        fn canon_idempotent(s in "\\PC{0,30}") {
            let c = canon(&s);
            prop_assert_eq!(canon(&c), c.clone());
            let _ = phases(&s);
            let _ = masking(&s);
        }
    }
}

/// Sponsor agency class: API v2 `class` (INDUSTRY, NIH, FED, OTHER_GOV, INDIV, NETWORK, AMBIG,
/// OTHER, UNKNOWN) and legacy XML `agency_class` ("Industry", "NIH", "U.S. Fed", "Other").
pub fn agency_class(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &["INDUSTRY", "NIH", "FED", "OTHER_GOV", "INDIV", "NETWORK", "AMBIG", "OTHER", "UNKNOWN"],
        &[("U_S_FED", "FED"), ("INDIVIDUAL", "INDIV"), ("AMBIGUOUS", "AMBIG")],
    )
}

/// Responsible party type: "Sponsor", "Principal Investigator", "Sponsor-Investigator".
pub fn responsible_party_type(text: &str) -> Option<&'static str> {
    lookup(text, &["SPONSOR", "PRINCIPAL_INVESTIGATOR", "SPONSOR_INVESTIGATOR"], &[])
}

/// Secondary id type: API v2 values, and the API v1 words ("Registry Identifier", "U.S. NIH
/// Grant/Contract", "Other Grant/Funding Number", "EudraCT Number", "Other Identifier").
pub fn secondary_id_type(text: &str) -> Option<&'static str> {
    lookup(
        text,
        &["NIH", "FDA", "VA", "CDC", "AHRQ", "SAMHSA", "OTHER_GRANT", "EUDRACT_NUMBER", "CTIS", "REGISTRY", "OTHER"],
        &[
            ("REGISTRY_IDENTIFIER", "REGISTRY"),
            ("OTHER_IDENTIFIER", "OTHER"),
            ("U_S_NIH_GRANT_CONTRACT", "NIH"),
            ("U_S_FDA_GRANT_CONTRACT", "FDA"),
            ("U_S_VA_GRANT_CONTRACT", "VA"),
            ("U_S_CDC_GRANT_CONTRACT", "CDC"),
            ("U_S_AHRQ_GRANT_CONTRACT", "AHRQ"),
            ("U_S_SAMHSA_GRANT_CONTRACT", "SAMHSA"),
            ("OTHER_GRANT_FUNDING_NUMBER", "OTHER_GRANT"),
            ("EUDRACT", "EUDRACT_NUMBER"),
            ("EU_CT_NUMBER", "CTIS"),
        ],
    )
}

#[cfg(test)]
mod protocol_enum_tests {
    use super::*;

    #[test]
    fn sponsor_classes_party_types_and_id_types() {
        assert_eq!(agency_class("U.S. Fed"), Some("FED"));
        assert_eq!(agency_class("Industry"), Some("INDUSTRY"));
        assert_eq!(agency_class("OTHER_GOV"), Some("OTHER_GOV"));
        assert_eq!(agency_class("Pharma"), None);
        assert_eq!(responsible_party_type("Sponsor-Investigator"), Some("SPONSOR_INVESTIGATOR"));
        assert_eq!(responsible_party_type("Principal Investigator"), Some("PRINCIPAL_INVESTIGATOR"));
        assert_eq!(responsible_party_type("Investigator"), None);
        assert_eq!(secondary_id_type("U.S. NIH Grant/Contract"), Some("NIH"));
        assert_eq!(secondary_id_type("Registry Identifier"), Some("REGISTRY"));
        assert_eq!(secondary_id_type("EUDRACT_NUMBER"), Some("EUDRACT_NUMBER"));
        assert_eq!(secondary_id_type("Grant"), None);
    }
}
