//! Test-side renderer: prints a real API v2 study (JSON) as page text in each known page
//! layout, the way the seed pages print their fields (same labels, order, bullets, time
//! frame syntax, helper sentences), and records what it printed so a test can check that
//! reading the page gives those values back.

use serde_json::Value;

/// The page layouts the renderer can print.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Classic2014,
    Classic2018,
    FullInfo,
    ModernBare,
    ModernLabelled,
}

impl Layout {
    pub const ALL: [Layout; 5] = [Layout::Classic2014, Layout::Classic2018, Layout::FullInfo, Layout::ModernBare, Layout::ModernLabelled];
    pub fn name(self) -> &'static str {
        match self {
            Layout::Classic2014 => "classic_2014",
            Layout::Classic2018 => "classic_2018",
            Layout::FullInfo => "full_info",
            Layout::ModernBare => "modern_bare",
            Layout::ModernLabelled => "modern_labelled",
        }
    }
}

/// What the page states, as printed (None/empty = not printed, not checked).
#[derive(Debug, Default, Clone)]
pub struct Expected {
    pub nct_id: Option<String>,
    pub brief_title: Option<String>,
    pub official_title: Option<String>,
    pub status: Option<String>,
    pub study_type: Option<String>,
    /// Phase tokens ("1", "2", "NA", "E1").
    pub phases: Vec<String>,
    pub enrollment: Option<String>,
    pub enrollment_type: Option<String>,
    pub start_date: Option<String>,
    pub start_type: Option<String>,
    pub primary_completion: Option<String>,
    pub completion: Option<String>,
    pub completion_type: Option<String>,
    pub allocation: Option<String>,
    pub masking: Option<String>,
    pub conditions: Option<Vec<String>>,
    /// (label, type as printed)
    pub arms: Vec<(String, Option<String>)>,
    /// (name, type as printed)
    pub interventions: Vec<(String, Option<String>)>,
    /// (arm label, intervention names) when the page links them.
    pub links: Option<Vec<(String, Vec<String>)>>,
    /// (name, other names)
    pub other_names: Option<Vec<(String, Vec<String>)>>,
    /// (kind "P"/"S"/"O", measure, time frame)
    pub outcomes: Option<Vec<(String, String, Option<String>)>>,
    pub min_age: Option<String>,
    pub max_age: Option<String>,
    pub sex: Option<String>,
    pub healthy: Option<String>,
    pub ref_count: Option<usize>,
    pub pmids: Option<Vec<String>>,
    /// Reference types the page states (BACKGROUND / RESULT / DERIVED), in page order.
    pub ref_types: Option<Vec<String>>,
    /// The lead sponsor, when the page tells it from the collaborators.
    pub lead_sponsor: Option<String>,
    /// Collaborators in stated order, when the page prints them.
    pub collaborators: Option<Vec<String>>,
    /// Sites as printed, when the page prints them (a part the layout does not print, the
    /// modern page's zip, is `None`).
    pub locations: Option<Vec<Site>>,
    /// The eligibility criteria text as the study states it (markdown), when printed.
    pub criteria: Option<String>,
    /// Keywords, when printed.
    pub keywords: Option<Vec<String>>,
    /// The sponsor's study id, when printed.
    pub org_study_id: Option<String>,
    /// Secondary ids, when printed.
    pub secondary_ids: Option<Vec<String>>,
    /// Acronym, when printed.
    pub acronym: Option<String>,
    /// Why the study stopped, when printed.
    pub why_stopped: Option<String>,
}

/// A site: facility, city, state, zip, country.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Site {
    pub facility: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
    pub country: Option<String>,
}

fn s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(*p)?;
    }
    cur.as_str().filter(|x| !x.trim().is_empty())
}

fn arr<'a>(v: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut cur = v;
    for p in path {
        match cur.get(*p) {
            Some(x) => cur = x,
            None => return Vec::new(),
        }
    }
    cur.as_array().map(|a| a.iter().collect()).unwrap_or_default()
}

fn strs(v: &Value, path: &[&str]) -> Vec<String> {
    arr(v, path).iter().filter_map(|x| x.as_str()).map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

/// Enum word to the classic display words: "ACTIVE_COMPARATOR" -> "Active Comparator".
fn title_words(e: &str) -> String {
    e.split('_')
        .map(|w| {
            let lw = w.to_lowercase();
            let mut c = lw.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn classic_status(e: &str) -> String {
    match e {
        "NOT_YET_RECRUITING" => "Not yet recruiting".into(),
        "ACTIVE_NOT_RECRUITING" => "Active, not recruiting".into(),
        "ENROLLING_BY_INVITATION" => "Enrolling by invitation".into(),
        "UNKNOWN" => "Unknown status".into(),
        "NO_LONGER_AVAILABLE" => "No longer available".into(),
        "TEMPORARILY_NOT_AVAILABLE" => "Temporarily not available".into(),
        "APPROVED_FOR_MARKETING" => "Approved for marketing".into(),
        other => title_words(other),
    }
}

fn status_sentence(e: &str) -> Option<&'static str> {
    Some(match e {
        "RECRUITING" => "This study is currently recruiting participants.",
        "NOT_YET_RECRUITING" => "This study is not yet open for participant recruitment.",
        "ACTIVE_NOT_RECRUITING" => "This study is ongoing, but not recruiting participants.",
        "COMPLETED" => "This study has been completed.",
        "TERMINATED" => "This study has been terminated.",
        "WITHDRAWN" => "This study has been withdrawn prior to enrollment.",
        "SUSPENDED" => "This study has been suspended.",
        "ENROLLING_BY_INVITATION" => "This study is enrolling participants by invitation only.",
        "AVAILABLE" => "Expanded access is currently available for this treatment.",
        "NO_LONGER_AVAILABLE" => "Expanded access is no longer available for this treatment.",
        "TEMPORARILY_NOT_AVAILABLE" => "Expanded access is temporarily not available for this treatment.",
        "APPROVED_FOR_MARKETING" => "This treatment has been approved for sale to the public.",
        _ => return None,
    })
}

fn is_expanded_access_status(e: &str) -> bool {
    matches!(e, "AVAILABLE" | "NO_LONGER_AVAILABLE" | "TEMPORARILY_NOT_AVAILABLE" | "APPROVED_FOR_MARKETING")
}

fn phase_words(e: &str) -> String {
    match e {
        "NA" => "Not Applicable".into(),
        "EARLY_PHASE1" => "Early Phase 1".into(),
        p => format!("Phase {}", p.trim_start_matches("PHASE")),
    }
}

fn phase_token(e: &str) -> String {
    match e {
        "NA" => "NA".into(),
        "EARLY_PHASE1" => "E1".into(),
        p => p.trim_start_matches("PHASE").to_string(),
    }
}

fn model_words(e: &str) -> String {
    format!("{} Assignment", title_words(e))
}

fn allocation_words(e: &str) -> String {
    match e {
        "NON_RANDOMIZED" => "Non-Randomized".into(),
        "NA" => "N/A".into(),
        o => title_words(o),
    }
}

/// Masking as the 2018 print, the "Full info" page and the site print it: "None (Open
/// Label)", "Double (Participant, Investigator)".
fn masking_words(v: &Value) -> Option<String> {
    let m = s(v, &["maskingInfo", "masking"])?;
    let who: Vec<String> = strs(v, &["maskingInfo", "whoMasked"]).iter().map(|w| title_words(w)).collect();
    Some(match m {
        "NONE" => "None (Open Label)".into(),
        x if who.is_empty() => title_words(x),
        x => format!("{} ({})", title_words(x), who.join(", ")),
    })
}

/// Masking as the 2014 print words it: "Open Label", "Single Blind (Subject)", and "Double
/// Blind" for two or more masked parties ("Double Blind (Subject, Caregiver, Investigator)").
fn masking_words_2014(v: &Value) -> Option<String> {
    let m = s(v, &["maskingInfo", "masking"])?;
    let who: Vec<String> = strs(v, &["maskingInfo", "whoMasked"])
        .iter()
        .map(|w| match w.as_str() {
            "PARTICIPANT" => "Subject".to_string(),
            "CARE_PROVIDER" => "Caregiver".to_string(),
            x => title_words(x),
        })
        .collect();
    let head = match m {
        "NONE" => return Some("Open Label".into()),
        "SINGLE" => "Single Blind",
        _ => "Double Blind",
    };
    Some(if who.is_empty() { head.to_string() } else { format!("{head} ({})", who.join(", ")) })
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/// ISO date to "July 1, 2018" ("July 2018" when the day is not stated).
fn long_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    match (parts.first(), month_name(iso), parts.get(2)) {
        (Some(y), Some(m), Some(d)) => format!("{m} {}, {y}", d.trim_start_matches('0')),
        (Some(y), Some(m), _) => format!("{m} {y}"),
        _ => iso.to_string(),
    }
}

/// ISO date to "July 2018": the 2014 print states no day.
fn month_year(iso: &str) -> String {
    match (iso.split('-').next(), month_name(iso)) {
        (Some(y), Some(m)) => format!("{m} {y}"),
        _ => iso.to_string(),
    }
}

fn month_name(iso: &str) -> Option<&'static str> {
    iso.split('-').nth(1).and_then(|m| m.parse::<usize>().ok()).and_then(|m| MONTHS.get(m.wrapping_sub(1))).copied()
}

fn date_type_word(t: Option<&str>) -> Option<String> {
    t.map(|t| match t {
        "ESTIMATED" => "Estimated".to_string(),
        o => title_words(o),
    })
}

fn std_ages(v: &Value) -> String {
    strs(v, &["stdAges"]).iter().map(|a| title_words(a)).collect::<Vec<_>>().join(", ")
}

/// Age groups as the 2014 print names them ("Senior" for older adults).
fn std_ages_2014(v: &Value) -> String {
    strs(v, &["stdAges"])
        .iter()
        .map(|a| match a.as_str() {
            "OLDER_ADULT" => "Senior".to_string(),
            x => title_words(x),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Paragraphs of a free text, with markdown bullets turned into the page's bullets.
fn paragraphs(text: &str, bullet: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let t = l.trim_end();
            let tt = t.trim_start();
            if let Some(rest) = tt.strip_prefix("* ") {
                format!("{bullet}{rest}")
            } else {
                t.to_string()
            }
        })
        .collect()
}

struct Study<'a> {
    p: &'a Value,
}

impl<'a> Study<'a> {
    fn get(&self, path: &[&str]) -> Option<&'a str> {
        s(self.p, path)
    }
    fn nct(&self) -> Option<&'a str> {
        self.get(&["identificationModule", "nctId"])
    }
    fn title(&self) -> Option<&'a str> {
        self.get(&["identificationModule", "briefTitle"])
    }
    fn official(&self) -> Option<&'a str> {
        self.get(&["identificationModule", "officialTitle"])
    }
    fn status(&self) -> Option<&'a str> {
        self.get(&["statusModule", "overallStatus"])
    }
    fn last_known(&self) -> Option<&'a str> {
        self.get(&["statusModule", "lastKnownStatus"])
    }
    fn sponsor(&self) -> Option<&'a str> {
        self.get(&["sponsorCollaboratorsModule", "leadSponsor", "name"])
    }
    fn collaborators(&self) -> Vec<String> {
        arr(self.p, &["sponsorCollaboratorsModule", "collaborators"])
            .iter()
            .filter_map(|c| s(c, &["name"]))
            .map(|n| n.trim().to_string())
            .collect()
    }
    fn collaborator_classes(&self) -> Vec<(String, String)> {
        arr(self.p, &["sponsorCollaboratorsModule", "collaborators"])
            .iter()
            .filter_map(|c| Some((s(c, &["name"])?.trim().to_string(), s(c, &["class"]).unwrap_or("OTHER").to_string())))
            .collect()
    }
    /// The classic pages' "Information provided by (Responsible Party):" value: the
    /// investigator ("Name, Affiliation") when one is responsible, else the sponsor.
    fn responsible_party(&self) -> Option<String> {
        let rp = self.p.get("sponsorCollaboratorsModule")?.get("responsibleParty");
        let inv = rp.and_then(|r| s(r, &["investigatorFullName"]).or_else(|| s(r, &["oldNameTitle"])));
        match inv {
            Some(n) => {
                let aff = rp.and_then(|r| s(r, &["investigatorAffiliation"]).or_else(|| s(r, &["oldOrganization"])));
                Some(match aff {
                    Some(a) => format!("{}, {}", n.trim(), a.trim()),
                    None => n.trim().to_string(),
                })
            }
            None => self.sponsor().map(str::to_string),
        }
    }
    fn summary(&self) -> Option<&'a str> {
        self.get(&["descriptionModule", "briefSummary"])
    }
    fn detailed(&self) -> Option<&'a str> {
        self.get(&["descriptionModule", "detailedDescription"])
    }
    fn conditions(&self) -> Vec<String> {
        strs(self.p, &["conditionsModule", "conditions"])
    }
    fn study_type(&self) -> Option<&'a str> {
        self.get(&["designModule", "studyType"])
    }
    fn observational(&self) -> bool {
        self.study_type() == Some("OBSERVATIONAL")
    }
    fn phases(&self) -> Vec<String> {
        strs(self.p, &["designModule", "phases"])
    }
    fn design(&self) -> &'a Value {
        self.p.get("designModule").and_then(|d| d.get("designInfo")).unwrap_or(&Value::Null)
    }
    fn enrollment(&self) -> Option<(String, Option<&'a str>)> {
        let e = self.p.get("designModule")?.get("enrollmentInfo")?;
        let c = e.get("count")?.as_u64()?;
        Some((c.to_string(), e.get("type").and_then(Value::as_str)))
    }
    fn date(&self, key: &str) -> Option<(&'a str, Option<&'a str>)> {
        let d = self.p.get("statusModule")?.get(key)?;
        Some((d.get("date")?.as_str()?, d.get("type").and_then(Value::as_str)))
    }
    fn arms(&self) -> Vec<&'a Value> {
        arr(self.p, &["armsInterventionsModule", "armGroups"])
    }
    fn ivs(&self) -> Vec<&'a Value> {
        arr(self.p, &["armsInterventionsModule", "interventions"])
    }
    fn outcomes(&self) -> Vec<(&'static str, &'a Value)> {
        let mut out = Vec::new();
        for (k, key) in [("P", "primaryOutcomes"), ("S", "secondaryOutcomes"), ("O", "otherOutcomes")] {
            for o in arr(self.p, &["outcomesModule", key]) {
                if s(o, &["measure"]).is_some() {
                    out.push((k, o));
                }
            }
        }
        out
    }
    fn elig(&self) -> &'a Value {
        self.p.get("eligibilityModule").unwrap_or(&Value::Null)
    }
    /// The sites the pages print: those with a country (every layout lists sites by country).
    fn sites(&self) -> Vec<&'a Value> {
        arr(self.p, &["contactsLocationsModule", "locations"]).into_iter().filter(|l| s(l, &["country"]).is_some()).collect()
    }
    fn keywords(&self) -> Vec<String> {
        strs(self.p, &["conditionsModule", "keywords"])
    }
    fn org_study_id(&self) -> Option<&'a str> {
        self.get(&["identificationModule", "orgStudyIdInfo", "id"])
    }
    /// (id, type) of the secondary ids.
    fn secondary_ids(&self) -> Vec<(String, Option<&'a str>)> {
        arr(self.p, &["identificationModule", "secondaryIdInfos"])
            .into_iter()
            .filter_map(|x| Some((collapse(s(x, &["id"])?), s(x, &["type"]))))
            .collect()
    }
    fn acronym(&self) -> Option<&'a str> {
        self.get(&["identificationModule", "acronym"])
    }
    fn why_stopped(&self) -> Option<&'a str> {
        self.get(&["statusModule", "whyStopped"])
    }
    fn refs(&self) -> Vec<&'a Value> {
        arr(self.p, &["referencesModule", "references"]).into_iter().filter(|r| s(r, &["citation"]).is_some()).collect()
    }
}

/// The interventions of an arm: "Drug: X" names mapped to the intervention names.
fn arm_iv_names(arm: &Value) -> Vec<String> {
    strs(arm, &["interventionNames"]).iter().map(|n| n.split_once(": ").map_or(n.clone(), |(_, b)| b.trim().to_string())).collect()
}

fn iv_label(iv: &Value) -> (String, String) {
    let name = s(iv, &["name"]).unwrap_or("").trim().to_string();
    let ty = s(iv, &["type"]).unwrap_or("OTHER");
    (name, ty.to_string())
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A site's parts, whitespace collapsed (`zip` false: the layout prints no zip).
fn site_of(l: &Value, zip: bool) -> Site {
    let part = |k: &str| s(l, &[k]).map(collapse).filter(|x| !x.is_empty());
    Site {
        facility: part("facility"),
        city: part("city"),
        state: part("state"),
        zip: if zip { part("zip") } else { None },
        country: part("country"),
    }
}

/// The classic "Locations" block: country headings ("Country, State"), each followed by its
/// sites: the facility with the site status after it, the address line "City, State,
/// Country, Zip" and the site's contacts.
fn classic_locations(o: &mut Vec<String>, st: &Study<'_>, print_2018: bool) -> Vec<Site> {
    let sites = st.sites();
    let mut out = Vec::new();
    if sites.is_empty() {
        return out;
    }
    o.push("Locations".into());
    if print_2018 {
        o.push("Layout table for location information".into());
    }
    let mut last_heading = String::new();
    for l in sites {
        let site = site_of(l, true);
        let heading = [site.country.clone(), site.state.clone()].into_iter().flatten().collect::<Vec<_>>().join(", ");
        if heading != last_heading {
            o.push(heading.clone());
            last_heading = heading;
        }
        if let Some(f) = &site.facility {
            match s(l, &["status"]) {
                Some(stat) => o.push(format!("{f} {}", classic_status(stat))),
                None => o.push(f.clone()),
            }
        }
        let addr = [site.city.clone(), site.state.clone(), site.country.clone(), site.zip.clone()].into_iter().flatten();
        o.push(addr.collect::<Vec<_>>().join(", "));
        for c in arr(l, &["contacts"]) {
            let Some(name) = s(c, &["name"]) else { continue };
            match s(c, &["role"]) {
                Some("PRINCIPAL_INVESTIGATOR") => o.push(format!("Principal Investigator: {}", collapse(name))),
                Some("SUB_INVESTIGATOR") => o.push(format!("Sub-Investigator: {}", collapse(name))),
                _ => {
                    let tail: Vec<&str> = [s(c, &["phone"]), s(c, &["email"])].into_iter().flatten().collect();
                    o.push(format!("Contact: {}    {}", collapse(name), tail.join("    ")));
                }
            }
        }
        out.push(site);
    }
    out
}

/// The modern "Locations" and "Countries" sections: per site the facility, the address
/// "City, State, Country" (no zip) and, on the labelled page, "Site Status X".
fn modern_locations(o: &mut Vec<String>, st: &Study<'_>, labelled: bool) -> Vec<Site> {
    let sites = st.sites();
    let mut out = Vec::new();
    if sites.is_empty() {
        return out;
    }
    let gap = |o: &mut Vec<String>| {
        if labelled {
            o.push(String::new());
        }
    };
    o.push("Locations".into());
    gap(o);
    o.push("Explore where the study is taking place and check the recruitment status at each participating site.".into());
    gap(o);
    let mut countries: Vec<String> = Vec::new();
    for l in sites {
        let site = site_of(l, false);
        if let Some(f) = &site.facility {
            o.push(f.clone());
            gap(o);
        }
        let addr = [site.city.clone(), site.state.clone(), site.country.clone()].into_iter().flatten();
        o.push(addr.collect::<Vec<_>>().join(", "));
        gap(o);
        if labelled {
            if let Some(stat) = s(l, &["status"]) {
                o.push(format!("Site Status {stat}"));
                gap(o);
            }
        }
        if let Some(c) = &site.country {
            if !countries.contains(c) {
                countries.push(c.clone());
            }
        }
        out.push(site);
    }
    o.push("Countries".into());
    gap(o);
    o.push("Review the countries where the study has at least one active or historical site.".into());
    gap(o);
    for c in countries {
        o.push(c);
        gap(o);
    }
    out
}

/// The modern "Other Identifiers" section: the sponsor's id, then the secondary ids, each
/// with "Identifier Type" and "Identifier Source" lines.
fn modern_identifiers(o: &mut Vec<String>, st: &Study<'_>, e: &mut Expected, labelled: bool) {
    let org = st.org_study_id();
    let sec = st.secondary_ids();
    if org.is_none() && sec.is_empty() {
        return;
    }
    let gap = |o: &mut Vec<String>| {
        if labelled {
            o.push(String::new());
        }
    };
    o.push("Other Identifiers".into());
    gap(o);
    o.push("Review additional registry numbers or institutional identifiers associated with this trial.".into());
    gap(o);
    if let Some(id) = org {
        o.push(collapse(id));
        gap(o);
        o.push("Identifier Type: -".into());
        gap(o);
        o.push("Identifier Source: org_study_id".into());
        gap(o);
        e.org_study_id = Some(collapse(id));
    }
    for (id, ty) in &sec {
        o.push(id.clone());
        gap(o);
        o.push(format!("Identifier Type: {}", ty.unwrap_or("-")));
        gap(o);
        o.push("Identifier Source: secondary_id".into());
        gap(o);
    }
    e.secondary_ids = Some(sec.into_iter().map(|(id, _)| id).collect());
}

/// Renders one study (its `protocolSection`) in a layout.
pub fn render(study: &Value, layout: Layout) -> (String, Expected) {
    let p = study.get("protocolSection").unwrap_or(study);
    let st = Study { p };
    match layout {
        Layout::Classic2014 => classic_2014(&st),
        Layout::Classic2018 => classic_2018(&st),
        Layout::FullInfo => full_info(&st),
        Layout::ModernBare => modern_bare(&st),
        Layout::ModernLabelled => modern_labelled(&st),
    }
}

fn common_expected(st: &Study<'_>) -> Expected {
    Expected {
        nct_id: st.nct().map(str::to_string),
        brief_title: st.title().map(collapse),
        official_title: st.official().map(collapse),
        phases: st.phases().iter().map(|p| phase_token(p)).collect(),
        ..Default::default()
    }
}

/// The classic page, 2014 print.
fn classic_2014(st: &Study<'_>) -> (String, Expected) {
    let mut e = common_expected(st);
    let mut o: Vec<String> = Vec::new();
    let sponsor = st.sponsor().unwrap_or("Unknown sponsor");
    let rp = st.responsible_party().unwrap_or_else(|| sponsor.to_string());
    let nct = st.nct().unwrap_or("");
    o.push(st.title().unwrap_or("").to_string());
    o.push(String::new());
    let status = st.status().unwrap_or("");
    if status == "UNKNOWN" {
        o.push("The recruitment status of this study is unknown because the information has not been verified recently.".into());
        o.push(format!("Verified August 2015 by {sponsor}."));
        if let Some(lk) = st.last_known() {
            o.push(format!("Recruitment status was  {}", classic_status(lk)));
        }
        e.status = Some("Unknown status".into());
    } else if let Some(sent) = status_sentence(status) {
        o.push(sent.into());
        if is_expanded_access_status(status) {
            o.push(format!("Verified June 2016 by {sponsor}."));
        } else {
            o.push(format!("Verified June 2016 by {sponsor}"));
        }
        e.status = Some(classic_status(status));
    }
    o.push("Sponsor:".into());
    o.push("Information provided by (Responsible Party):".into());
    o.push(rp.clone());
    o.push("ClinicalTrials.gov Identifier:".into());
    o.push(nct.into());
    o.push("First received: October 1, 2009".into());
    o.push("Last updated: November 14, 2014".into());
    o.push("Last verified: November 2014".into());
    o.push("  Purpose".into());
    o.push(String::new());
    if let Some(sum) = st.summary() {
        o.extend(paragraphs(sum, "  • "));
    }
    o.push(String::new());
    o.push(String::new());
    // Condition / intervention / phase block.
    let conds = st.conditions();
    let phases: Vec<String> = st.phases().iter().map(|p| phase_words(p)).collect();
    let iv_lines: Vec<String> = st
        .ivs()
        .iter()
        .map(|iv| {
            let (n, t) = iv_label(iv);
            format!("{}: {n}", title_words(&t))
        })
        .collect();
    let has_phase = !phases.is_empty() && phases.iter().all(|p| p != "Not Applicable");
    o.push(if has_phase { "Condition Intervention Phase" } else { "Condition Intervention" }.into());
    o.extend(conds.iter().cloned());
    o.extend(iv_lines.iter().cloned());
    if has_phase {
        o.extend(phases.iter().cloned());
    } else {
        e.phases.clear();
    }
    e.conditions = Some(conds.clone());
    o.push(String::new());
    // Design.
    let d = st.design();
    let stype = st.study_type().unwrap_or("");
    let stype_words = if stype.starts_with("EXPANDED_ACCESS") { "Expanded Access".to_string() } else { title_words(stype) };
    o.push(format!("Study Type: {stype_words}"));
    e.study_type = Some(stype_words.clone());
    let enroll = st.enrollment();
    let mut design_lines: Vec<String> = Vec::new();
    if let Some(a) = s(d, &["allocation"]) {
        design_lines.push(format!("Allocation: {}", allocation_words(a)));
        e.allocation = Some(allocation_words(a));
    }
    if let Some(m) = s(d, &["interventionModel"]) {
        design_lines.push(format!("Intervention Model: {}", model_words(m)));
    }
    if let Some(m) = s(d, &["observationalModel"]) {
        design_lines.push(format!("Observational Model: {}", title_words(m)));
    }
    if let Some(m) = s(d, &["timePerspective"]) {
        design_lines.push(format!("Time Perspective: {}", title_words(m)));
    }
    if let Some(m) = masking_words_2014(d) {
        design_lines.push(format!("Masking: {m}"));
        e.masking = Some(m);
    }
    if let Some(pp) = s(d, &["primaryPurpose"]) {
        design_lines.push(format!("Primary Purpose: {}", title_words(pp)));
    }
    for (n, l) in design_lines.iter().enumerate() {
        if n == 0 {
            o.push(format!("Study Design: {l}"));
        } else {
            o.push(l.clone());
        }
    }
    if let Some(t) = st.official() {
        o.push(format!("Official Title: {t}"));
    }
    let date_line = |o: &mut Vec<String>, label: &str, key: &str| -> Option<(String, Option<String>)> {
        let (iso, ty) = st.date(key)?;
        let shown = month_year(iso);
        let pre = match ty {
            Some("ESTIMATED") | Some("ANTICIPATED") => "Estimated ",
            _ => "",
        };
        let tail = if label == "Primary Completion Date" { " (Final data collection date for primary outcome measure)" } else { "" };
        o.push(format!("{pre}{label}: {shown}{tail}"));
        Some((shown, if pre.is_empty() { None } else { Some("Estimated".into()) }))
    };
    o.push(String::new());
    o.push("Resource links provided by NLM:".into());
    o.push(String::new());
    o.push(String::new());
    o.push(format!("Further study details as provided by {sponsor}:"));
    o.push(String::new());
    // Outcomes (2014: before the enrollment; 2018: after the arm table).
    let outcome_block = |o: &mut Vec<String>| -> Vec<(String, String, Option<String>)> {
        let mut got = Vec::new();
        for (kind, label) in [("P", "Primary"), ("S", "Secondary"), ("O", "Other")] {
            let list: Vec<&Value> = st.outcomes().into_iter().filter(|(k, _)| *k == kind).map(|(_, v)| v).collect();
            if list.is_empty() {
                continue;
            }
            o.push(format!("{label} Outcome Measures:"));
            for oc in &list {
                let m = collapse(s(oc, &["measure"]).unwrap_or(""));
                let tf = s(oc, &["timeFrame"]).map(collapse);
                let tf_txt = tf.as_ref().map_or(String::new(), |t| format!(" [ Time Frame: {t} ]"));
                o.push(format!("  • {m}{tf_txt} [ Designated as safety issue: No ]"));
                if let Some(desc) = s(oc, &["description"]) {
                    o.extend(paragraphs(desc, "    • ").into_iter().map(|l| format!("    {l}")));
                }
                o.push(String::new());
                got.push((kind.to_string(), m, tf));
            }
            o.push(String::new());
        }
        got
    };
    e.outcomes = Some(outcome_block(&mut o));
    if let Some((c, t)) = &enroll {
        let pre = match *t {
            Some("ESTIMATED") | Some("ANTICIPATED") => "Estimated ",
            _ => "",
        };
        o.push(format!("{pre}Enrollment: {c}"));
        e.enrollment = Some(c.clone());
        e.enrollment_type = if pre.is_empty() { None } else { Some("Estimated".into()) };
    }
    if let Some((v, t)) = date_line(&mut o, "Study Start Date", "startDateStruct") {
        e.start_date = Some(v);
        e.start_type = t;
    }
    if let Some((v, t)) = date_line(&mut o, "Study Completion Date", "completionDateStruct") {
        e.completion = Some(v);
        e.completion_type = t;
    }
    if let Some((v, _)) = date_line(&mut o, "Primary Completion Date", "primaryCompletionDateStruct") {
        e.primary_completion = Some(v);
    }
    o.push(String::new());
    // Arms table.
    let arms = st.arms();
    let ivs = st.ivs();
    let obs = st.observational();
    let mut links = Vec::new();
    let mut other_names = Vec::new();
    if !arms.is_empty() {
        o.push(if obs { "Groups/Cohorts Assigned Interventions" } else { "Arms Assigned Interventions" }.into());
        for a in &arms {
            let label = collapse(s(a, &["label"]).unwrap_or(""));
            let ty = s(a, &["type"]).map(title_words);
            match &ty {
                Some(t) if !obs => o.push(format!("{t}: {label}")),
                _ => o.push(label.clone()),
            }
            if let Some(desc) = s(a, &["description"]) {
                o.extend(paragraphs(desc, "  • "));
            }
            let names = arm_iv_names(a);
            for n in &names {
                if let Some(iv) = ivs.iter().find(|iv| iv_label(iv).0 == *n) {
                    let (name, t) = iv_label(iv);
                    o.push(format!("{}: {name}", title_words(&t)));
                    if let Some(desc) = s(iv, &["description"]) {
                        o.extend(paragraphs(desc, "  • "));
                    }
                    let others = strs(iv, &["otherNames"]);
                    if !others.is_empty() {
                        if others.len() == 1 {
                            o.push(format!("Other Name: {}", others[0]));
                        } else {
                            o.push("Other Names:".to_string());
                            o.extend(others.iter().map(|x| format!("  • {x}")));
                        }
                    }
                }
            }
            e.arms.push((label.clone(), if obs { None } else { ty }));
            links.push((label, names));
        }
        o.push(String::new());
        for iv in &ivs {
            let (n, _) = iv_label(iv);
            let others = strs(iv, &["otherNames"]);
            let linked = arms.iter().any(|a| arm_iv_names(a).contains(&n));
            if linked {
                other_names.push((n, others));
            }
        }
        e.links = Some(links);
        e.other_names = Some(other_names);
    } else if !ivs.is_empty() {
        o.push("Intervention Details:".into());
        for iv in &ivs {
            let (n, t) = iv_label(iv);
            o.push(format!("    {}: {n}", title_words(&t)));
            if let Some(desc) = s(iv, &["description"]) {
                o.extend(paragraphs(desc, "  • ").into_iter().map(|l| format!("    {l}")));
            }
        }
    }
    for iv in &ivs {
        let (n, t) = iv_label(iv);
        e.interventions.push((n, Some(title_words(&t))));
    }
    if let Some(dd) = st.detailed() {
        o.push("Detailed Description:".into());
        o.extend(paragraphs(dd, "  • "));
    }
    o.push("  Eligibility".into());
    o.push(String::new());
    let el = st.elig();
    let min = s(el, &["minimumAge"]).map(str::to_string);
    let max = s(el, &["maximumAge"]).map(str::to_string);
    let groups = std_ages_2014(el);
    let ages = match (&min, &max) {
        (Some(a), Some(b)) => Some(format!("{a} to {b}")),
        (Some(a), None) => Some(format!("{a} and older")),
        (None, Some(b)) => Some(format!("up to {b}")),
        (None, None) => None,
    };
    match (ages, groups.is_empty()) {
        (Some(a), true) => o.push(format!("Ages Eligible for Study:   {a}")),
        (Some(a), false) => o.push(format!("Ages Eligible for Study:   {a}   ({groups})")),
        (None, false) => o.push(format!("Ages Eligible for Study:   {groups}")),
        (None, true) => {}
    }
    e.min_age = min;
    e.max_age = max;
    if let Some(sx) = s(el, &["sex"]) {
        let w = match sx {
            "ALL" => "Both".to_string(),
            x => title_words(x),
        };
        o.push(format!("Genders Eligible for Study:   {w}"));
        e.sex = Some(w);
    }
    if let Some(h) = el.get("healthyVolunteers").and_then(Value::as_bool) {
        let w = if h { "Accepts Healthy Volunteers" } else { "No" };
        let w = if h { "Yes" } else { w };
        o.push(format!("Accepts Healthy Volunteers:   {w}"));
        e.healthy = Some(w.into());
    }
    if obs {
        if let Some(sm) = s(el, &["samplingMethod"]) {
            o.push(format!("Sampling Method:   {}", title_words(sm)));
        }
        if let Some(sp) = s(el, &["studyPopulation"]) {
            o.push("Study Population".into());
            o.extend(paragraphs(sp, "  • "));
        }
    }
    if let Some(c) = s(el, &["eligibilityCriteria"]) {
        o.push("Criteria".into());
        o.push(String::new());
        o.extend(paragraphs(c, "  • "));
        e.criteria = Some(c.to_string());
    }
    o.push("  Contacts and Locations".into());
    o.push("Choosing to participate in a study is an important personal decision. Talk with your doctor and family members or friends about deciding to join a study. To learn more about this study, you or your doctor may contact the study research staff using the Contacts provided below. For general information, see Learn About Clinical Studies.".into());
    o.push(String::new());
    o.push(format!("Please refer to this study by its ClinicalTrials.gov identifier: {nct}"));
    o.push(String::new());
    e.locations = Some(classic_locations(&mut o, st, false));
    o.push("Sponsors and Collaborators".into());
    o.push(sponsor.into());
    o.extend(st.collaborators());
    e.collaborators = Some(st.collaborators());
    o.push("  More Information".into());
    o.push(String::new());
    if st.sponsor().is_some() {
        e.lead_sponsor = Some(sponsor.to_string());
    }
    // Publications by type, each type under its heading.
    let refs = st.refs();
    let mut pmids = Vec::new();
    let mut types = Vec::new();
    for (head, want) in [
        ("Publications:", &["BACKGROUND"][..]),
        ("Publications of Results:", &["RESULT"][..]),
        ("Publications automatically indexed to this study by ClinicalTrials.gov Identifier (NCT Number):", &["DERIVED"][..]),
    ] {
        let list: Vec<&&Value> = refs.iter().filter(|r| want.contains(&s(r, &["type"]).unwrap_or("BACKGROUND"))).collect();
        if list.is_empty() {
            continue;
        }
        // After other publications the 2014 print says "Additional publications ...".
        if want == ["DERIVED"] && !types.is_empty() {
            o.push(format!("Additional p{}", &head[1..]));
        } else {
            o.push(head.into());
        }
        for r in list {
            types.push(want[0].to_string());
            o.push(collapse(s(r, &["citation"]).unwrap_or("")));
            if let Some(pm) = s(r, &["pmid"]) {
                pmids.push(pm.to_string());
            }
        }
        o.push(String::new());
    }
    e.ref_types = Some(types);
    e.ref_count =
        Some(refs.iter().filter(|r| ["BACKGROUND", "RESULT", "DERIVED"].contains(&s(r, &["type"]).unwrap_or("BACKGROUND"))).count());
    o.push(format!("Responsible Party: {rp}"));
    o.push(format!("ClinicalTrials.gov Identifier: {nct}     History of Changes"));
    if let Some(id) = st.org_study_id() {
        o.push(format!("Other Study ID Numbers: {id}"));
        e.org_study_id = Some(collapse(id));
    }
    o.push("Study First Received: October 1, 2009".into());
    o.push("Last Updated: November 14, 2014".into());
    let kws = st.keywords();
    if !kws.is_empty() {
        o.push(String::new());
        o.push(format!("Keywords provided by {sponsor}:"));
        o.extend(kws.iter().cloned());
    }
    e.keywords = Some(kws);
    o.push(String::new());
    o.push("Additional relevant MeSH terms:".into());
    o.push("Immune System Diseases".into());
    (o.join("\n"), e)
}

/// The classic page, 2018 print.
fn classic_2018(st: &Study<'_>) -> (String, Expected) {
    let mut e = common_expected(st);
    let mut o: Vec<String> = Vec::new();
    let sponsor = st.sponsor().unwrap_or("Unknown sponsor");
    let rp = st.responsible_party().unwrap_or_else(|| sponsor.to_string());
    let nct = st.nct().unwrap_or("");
    o.extend(["Working…", "ClinicalTrials.gov", "ClinicalTrials.gov Menu", ""].map(String::from));
    o.push(st.title().unwrap_or("").to_string());
    o.push(String::new());
    let status = st.status().unwrap_or("");
    o.push("The safety and scientific validity of this study is the responsibility of the study sponsor and investigators. Listing a study does not mean it has been evaluated by the U.S. Federal Government. Know the risks and potential benefits of clinical studies and talk to your health care provider before participating. Read our disclaimer for details.".into());
    o.push(" ".into());
    o.push(format!("ClinicalTrials.gov Identifier: {nct}"));
    if status == "UNKNOWN" {
        o.push("Recruitment Status : Unknown".into());
        o.push(format!("Verified May 2016 by {sponsor}"));
        if let Some(lk) = st.last_known() {
            o.push(format!("Recruitment status was:  {}", classic_status(lk)));
        }
        e.status = Some("Unknown".into());
    } else if is_expanded_access_status(status) {
        o.push(format!("Expanded Access Status : {}", classic_status(status)));
        e.status = Some(classic_status(status));
    } else if !status.is_empty() {
        o.push(format!("Recruitment Status : {}", classic_status(status)));
        e.status = Some(classic_status(status));
    }
    o.push("First Posted : June 19, 2018".into());
    o.push("Last Update Posted : June 19, 2018".into());
    o.push("Sponsor:".into());
    o.push("Information provided by (Responsible Party):".into());
    o.push(rp.clone());
    o.push(String::new());
    o.push("Brief Summary:".into());
    o.push(String::new());
    if let Some(sum) = st.summary() {
        o.extend(paragraphs(sum, "  • "));
    }
    o.push(String::new());
    o.push(String::new());
    // Condition / intervention / phase block.
    let conds = st.conditions();
    let phases: Vec<String> = st.phases().iter().map(|p| phase_words(p)).collect();
    let iv_lines: Vec<String> = st
        .ivs()
        .iter()
        .map(|iv| {
            let (n, t) = iv_label(iv);
            format!("{}: {n}", title_words(&t))
        })
        .collect();
    o.push(
        if phases.is_empty() { "Condition or disease Intervention/treatment" } else { "Condition or disease Intervention/treatment Phase" }
            .into(),
    );
    // The table cells one per line (a browser's copy of the table).
    o.extend(conds.iter().cloned());
    o.extend(iv_lines.iter().map(|l| format!("  • {l}")));
    o.extend(phases.iter().cloned());
    e.conditions = Some(conds.clone());
    o.push(String::new());
    if let Some(d) = st.detailed() {
        o.push("Detailed Description:".into());
        o.extend(paragraphs(d, "  • "));
        o.push(String::new());
    }
    o.push("Layout table for study information".into());
    o.push(String::new());
    // Design.
    let d = st.design();
    let stype = st.study_type().unwrap_or("");
    let stype_words = if stype.starts_with("EXPANDED_ACCESS") { "Expanded Access".to_string() } else { title_words(stype) };
    let suffix = match stype {
        "INTERVENTIONAL" => "  (Clinical Trial)",
        _ => "",
    };
    o.push(format!("Study Type : {stype_words}{suffix}"));
    e.study_type = Some(stype_words.clone());
    let enroll = st.enrollment();
    if let Some((c, t)) = &enroll {
        let w = date_type_word(*t);
        o.push(format!("{}Enrollment : {c} participants", w.as_ref().map_or(String::new(), |w| format!("{w} "))));
        e.enrollment = Some(c.clone());
        e.enrollment_type = w;
    }
    let mut design_lines: Vec<String> = Vec::new();
    if let Some(a) = s(d, &["allocation"]) {
        design_lines.push(format!("Allocation: {}", allocation_words(a)));
        e.allocation = Some(allocation_words(a));
    }
    if let Some(m) = s(d, &["interventionModel"]) {
        design_lines.push(format!("Intervention Model: {}", model_words(m)));
    }
    if let Some(m) = s(d, &["observationalModel"]) {
        design_lines.push(format!("Observational Model: {}", title_words(m)));
    }
    if let Some(m) = s(d, &["timePerspective"]) {
        design_lines.push(format!("Time Perspective: {}", title_words(m)));
    }
    if let Some(m) = masking_words(d) {
        design_lines.push(format!("Masking: {m}"));
        e.masking = Some(m);
    }
    if let Some(pp) = s(d, &["primaryPurpose"]) {
        design_lines.push(format!("Primary Purpose: {}", title_words(pp)));
    }
    o.extend(design_lines.iter().cloned());
    if let Some(t) = st.official() {
        o.push(format!("Official Title: {t}"));
    }
    let date_line = |o: &mut Vec<String>, label: &str, key: &str| -> Option<(String, Option<String>)> {
        let (iso, ty) = st.date(key)?;
        let w = date_type_word(ty);
        let shown = long_date(iso);
        o.push(format!("{}{label} : {shown}", w.as_ref().map_or(String::new(), |w| format!("{w} "))));
        Some((shown, w))
    };
    if let Some((v, t)) = date_line(&mut o, "Study Start Date", "startDateStruct") {
        e.start_date = Some(v);
        e.start_type = t;
    }
    if let Some((v, _)) = date_line(&mut o, "Primary Completion Date", "primaryCompletionDateStruct") {
        e.primary_completion = Some(v);
    }
    if let Some((v, t)) = date_line(&mut o, "Study Completion Date", "completionDateStruct") {
        e.completion = Some(v);
        e.completion_type = t;
    }
    o.push(String::new());
    // Outcomes (2014: before the enrollment; 2018: after the arm table).
    let outcome_block = |o: &mut Vec<String>| -> Vec<(String, String, Option<String>)> {
        let mut got = Vec::new();
        for (kind, label) in [("P", "Primary"), ("S", "Secondary"), ("O", "Other")] {
            let list: Vec<&Value> = st.outcomes().into_iter().filter(|(k, _)| *k == kind).map(|(_, v)| v).collect();
            if list.is_empty() {
                continue;
            }
            let head = format!("{label} Outcome Measures :");
            o.push(head);
            for (n, oc) in list.iter().enumerate() {
                let m = collapse(s(oc, &["measure"]).unwrap_or(""));
                let tf = s(oc, &["timeFrame"]).map(collapse);
                let tf_txt = tf.as_ref().map_or(String::new(), |t| format!(" [ Time Frame: {t} ]"));
                o.push(format!("  {}. {m}{tf_txt}", n + 1));
                if let Some(desc) = s(oc, &["description"]) {
                    o.extend(paragraphs(desc, "    • ").into_iter().map(|l| format!("    {l}")));
                }
                o.push(String::new());
                got.push((kind.to_string(), m, tf));
            }
            o.push(String::new());
        }
        got
    };
    // Arms table.
    let arms = st.arms();
    let ivs = st.ivs();
    let obs = st.observational();
    let mut links = Vec::new();
    let mut other_names = Vec::new();
    if !arms.is_empty() {
        o.push(if obs { "Group/Cohort Intervention/treatment" } else { "Arm Intervention/treatment" }.into());
        for a in &arms {
            let label = collapse(s(a, &["label"]).unwrap_or(""));
            let ty = s(a, &["type"]).map(title_words);
            match &ty {
                Some(t) if !obs => o.push(format!("{t}: {label}")),
                _ => o.push(label.clone()),
            }
            o.push(String::new());
            if let Some(desc) = s(a, &["description"]) {
                o.extend(paragraphs(desc, "  • "));
            }
            let names = arm_iv_names(a);
            for n in &names {
                if let Some(iv) = ivs.iter().find(|iv| iv_label(iv).0 == *n) {
                    let (name, t) = iv_label(iv);
                    o.push(format!("{}: {name}", title_words(&t)));
                    o.push(String::new());
                    if let Some(desc) = s(iv, &["description"]) {
                        o.extend(paragraphs(desc, "  • "));
                    }
                    let others = strs(iv, &["otherNames"]);
                    if !others.is_empty() {
                        if others.len() == 1 {
                            o.push(format!("Other Name: {}", others[0]));
                        } else {
                            o.push("Other Names:".to_string());
                            o.extend(others.iter().map(|x| format!("  • {x}")));
                        }
                    }
                }
            }
            o.push(String::new());
            e.arms.push((label.clone(), if obs { None } else { ty }));
            links.push((label, names));
        }
        o.push(String::new());
        for iv in &ivs {
            let (n, _) = iv_label(iv);
            let others = strs(iv, &["otherNames"]);
            let linked = arms.iter().any(|a| arm_iv_names(a).contains(&n));
            if linked {
                other_names.push((n, others));
            }
        }
        e.links = Some(links);
        e.other_names = Some(other_names);
    } else if !ivs.is_empty() {
        o.push("Intervention Details:".into());
        for iv in &ivs {
            let (n, t) = iv_label(iv);
            o.push(format!("    {}: {n}", title_words(&t)));
            if let Some(desc) = s(iv, &["description"]) {
                o.extend(paragraphs(desc, "  • ").into_iter().map(|l| format!("    {l}")));
            }
        }
    }
    for iv in &ivs {
        let (n, t) = iv_label(iv);
        e.interventions.push((n, Some(title_words(&t))));
    }
    e.outcomes = Some(outcome_block(&mut o));
    o.push(String::new());
    o.push("Information from the National Library of Medicine".into());
    o.push(String::new());
    o.push("Choosing to participate in a study is an important personal decision. Talk with your doctor and family members or friends about deciding to join a study. To learn more about this study, you or your doctor may contact the study research staff using the contacts provided below. For general information, Learn About Clinical Studies.".into());
    o.push(String::new());
    o.push(String::new());
    o.push("Layout table for eligibility information".into());
    let el = st.elig();
    let min = s(el, &["minimumAge"]).map(str::to_string);
    let max = s(el, &["maximumAge"]).map(str::to_string);
    let groups = std_ages(el);
    let ages = match (&min, &max) {
        (Some(a), Some(b)) => Some(format!("{a} to {b}")),
        (Some(a), None) => Some(format!("{a} and older")),
        (None, Some(b)) => Some(format!("up to {b}")),
        (None, None) => None,
    };
    match (ages, groups.is_empty()) {
        (Some(a), true) => o.push(format!("Ages Eligible for Study:   {a}")),
        (Some(a), false) => o.push(format!("Ages Eligible for Study:   {a}   ({groups})")),
        (None, false) => o.push(format!("Ages Eligible for Study:   {groups}")),
        (None, true) => {}
    }
    e.min_age = min;
    e.max_age = max;
    if let Some(sx) = s(el, &["sex"]) {
        let w = title_words(sx);
        o.push(format!("Sexes Eligible for Study:   {w}"));
        e.sex = Some(w);
    }
    if let Some(h) = el.get("healthyVolunteers").and_then(Value::as_bool) {
        let w = if h { "Accepts Healthy Volunteers" } else { "No" };
        let w = if h { "Yes" } else { w };
        o.push(format!("Accepts Healthy Volunteers:   {w}"));
        e.healthy = Some(w.into());
    }
    if obs {
        if let Some(sm) = s(el, &["samplingMethod"]) {
            o.push(format!("Sampling Method:   {}", title_words(sm)));
        }
        if let Some(sp) = s(el, &["studyPopulation"]) {
            o.push("Study Population".into());
            o.extend(paragraphs(sp, "  • "));
        }
    }
    if let Some(c) = s(el, &["eligibilityCriteria"]) {
        o.push("Criteria".into());
        o.push(String::new());
        o.extend(paragraphs(c, "  • "));
        e.criteria = Some(c.to_string());
    }
    o.push(String::new());
    o.push(format!("Please refer to this study by its ClinicalTrials.gov identifier (NCT number): {nct}"));
    o.push(String::new());
    e.locations = Some(classic_locations(&mut o, st, true));
    o.push("Sponsors and Collaborators".into());
    o.push(sponsor.into());
    o.extend(st.collaborators());
    e.collaborators = Some(st.collaborators());
    o.push(String::new());
    o.push("More Information".into());
    o.push(String::new());
    if st.sponsor().is_some() {
        e.lead_sponsor = Some(sponsor.to_string());
    }
    // Publications by type, each type under its heading.
    let refs = st.refs();
    let mut pmids = Vec::new();
    let mut types = Vec::new();
    for (head, want) in [
        ("Publications:", &["BACKGROUND"][..]),
        ("Publications of Results:", &["RESULT"][..]),
        ("Publications automatically indexed to this study by ClinicalTrials.gov Identifier (NCT Number):", &["DERIVED"][..]),
    ] {
        let list: Vec<&&Value> = refs.iter().filter(|r| want.contains(&s(r, &["type"]).unwrap_or("BACKGROUND"))).collect();
        if list.is_empty() {
            continue;
        }
        // After other publications the 2014 print says "Additional publications ...".
        o.push(head.into());
        for r in list {
            types.push(want[0].to_string());
            o.push(collapse(s(r, &["citation"]).unwrap_or("")));
            if let Some(pm) = s(r, &["pmid"]) {
                pmids.push(pm.to_string());
            }
        }
        o.push(String::new());
    }
    e.ref_types = Some(types);
    e.ref_count =
        Some(refs.iter().filter(|r| ["BACKGROUND", "RESULT", "DERIVED"].contains(&s(r, &["type"]).unwrap_or("BACKGROUND"))).count());
    o.push("Layout table for additonal information".into());
    o.push(format!("Responsible Party: {rp}"));
    o.push(format!("ClinicalTrials.gov Identifier: {nct}     History of Changes"));
    if let Some(id) = st.org_study_id() {
        o.push(format!("Other Study ID Numbers: {id}"));
        e.org_study_id = Some(collapse(id));
    }
    o.push("First Posted: June 19, 2018    Key Record Dates".into());
    o.push("Last Update Posted: June 19, 2018".into());
    o.push("Last Verified: May 2018".into());
    let kws = st.keywords();
    if !kws.is_empty() {
        o.push(String::new());
        o.push(format!("Keywords provided by {sponsor}:"));
        o.extend(kws.iter().cloned());
    }
    e.keywords = Some(kws);
    o.push(String::new());
    o.push("Additional relevant MeSH terms:".into());
    o.push("Layout table for MeSH terms".into());
    o.push("Immune System Diseases".into());
    (o.join("\n"), e)
}
fn full_info(st: &Study<'_>) -> (String, Expected) {
    let mut e = common_expected(st);
    let mut o: Vec<String> = Vec::new();
    let sponsor = st.sponsor().unwrap_or("Unknown sponsor");
    let status = st.status().map(classic_status);
    let phase_txt: Vec<String> = st.phases().iter().map(|p| phase_words(p)).collect();
    let stype = st.study_type().map(|t| if t.starts_with("EXPANDED_ACCESS") { "Expanded Access".to_string() } else { title_words(t) });
    let conds = st.conditions();
    o.extend(["search", "Back to results", ""].map(String::from));
    o.push(st.title().unwrap_or("").into());
    o.push(String::new());
    if let Some(pp) = s(st.design(), &["primaryPurpose"]) {
        o.push(title_words(pp));
        o.push(String::new());
    }
    o.push(conds.join(", "));
    o.push(String::new());
    if let Some(s) = &status {
        o.push("Status".into());
        o.push(s.clone());
    }
    if !phase_txt.is_empty() {
        o.push("Phase".into());
        o.push(phase_txt.join(", "));
    }
    if let Some(t) = &stype {
        o.push("Study Type".into());
        o.push(t.clone());
    }
    let ivs = st.ivs();
    if !ivs.is_empty() {
        o.push("Intervention".into());
        for iv in &ivs {
            o.push(iv_label(iv).0);
        }
    }
    o.push("Sponsored by".into());
    o.push(sponsor.into());
    o.extend(["About", "Eligibility", "Locations", "Arms", "Outcomes", "Full info", "", "About this trial", ""].map(String::from));
    o.push(format!("This is an {} trial for {}", stype.clone().unwrap_or_default().to_lowercase(), conds.join(", ")));
    o.push(String::new());
    o.push("Full Information".into());
    o.push(String::new());
    o.push("Sponsor".into());
    o.push(sponsor.into());
    o.push("search".into());
    o.push(String::new());
    o.push("1. Study Identification".into());
    o.push(String::new());
    o.push("Unique Protocol Identification Number".into());
    o.push(st.nct().unwrap_or("").into());
    if let Some(id) = st.org_study_id() {
        o.push("Other Study ID Numbers".into());
        o.push(collapse(id));
        e.org_study_id = Some(collapse(id));
    }
    let sec: Vec<String> = st.secondary_ids().into_iter().map(|(id, _)| id).collect();
    if !sec.is_empty() {
        o.push("Secondary IDs".into());
        o.extend(sec.iter().cloned());
    }
    e.secondary_ids = Some(sec);
    if let Some(a) = st.acronym() {
        o.push("Acronym".into());
        o.push(collapse(a));
        e.acronym = Some(collapse(a));
    }
    o.push("Brief Title".into());
    o.push(st.title().unwrap_or("").into());
    if let Some(t) = st.official() {
        o.push("Official Title".into());
        o.push(t.into());
    }
    if let Some(t) = &stype {
        o.push("Study Type".into());
        o.push(t.clone());
        e.study_type = Some(t.clone());
    }
    o.push(String::new());
    o.push("2. Study Status".into());
    o.push(String::new());
    o.push("Record Verification Date".into());
    o.push("October 2012".into());
    if let Some(s) = &status {
        o.push("Overall Recruitment Status".into());
        o.push(s.clone());
        e.status = Some(s.clone());
    }
    if let Some(lk) = st.last_known() {
        o.push("Last Known Status".into());
        o.push(classic_status(lk));
    }
    if let Some(w) = st.why_stopped() {
        o.push("Why Stopped".into());
        o.push(collapse(w));
        e.why_stopped = Some(collapse(w));
    }
    let date = |o: &mut Vec<String>, label: &str, key: &str| -> Option<(String, Option<String>)> {
        let (iso, ty) = st.date(key)?;
        let shown = long_date(iso);
        let w = ty.map(|t| if t == "ESTIMATED" { "Anticipated".to_string() } else { title_words(t) });
        o.push(label.into());
        o.push(match &w {
            Some(w) => format!("{shown} ({w})"),
            None => shown.clone(),
        });
        Some((shown, w))
    };
    if let Some((v, t)) = date(&mut o, "Study Start Date", "startDateStruct") {
        e.start_date = Some(v);
        e.start_type = t;
    }
    if let Some((v, _)) = date(&mut o, "Primary Completion Date", "primaryCompletionDateStruct") {
        e.primary_completion = Some(v);
    }
    if let Some((v, t)) = date(&mut o, "Study Completion Date", "completionDateStruct") {
        e.completion = Some(v);
        e.completion_type = t;
    }
    o.push(String::new());
    o.push("3. Sponsor/Collaborators".into());
    o.push(String::new());
    let rp = st.p.get("sponsorCollaboratorsModule").and_then(|m| m.get("responsibleParty")).unwrap_or(&Value::Null);
    if let Some(ty) = s(rp, &["type"]) {
        o.push("Responsible Party, by Official Title".into());
        o.push(match ty {
            "SPONSOR_INVESTIGATOR" => "Sponsor-Investigator".to_string(),
            t => title_words(t),
        });
    }
    for (label, key) in [
        ("Investigator Name", "investigatorFullName"),
        ("Investigator Title", "investigatorTitle"),
        ("Investigator Affiliation", "investigatorAffiliation"),
    ] {
        if let Some(v) = s(rp, &[key]) {
            o.push(label.into());
            o.push(collapse(v));
        }
    }
    o.push("Name of the Sponsor".into());
    o.push(sponsor.into());
    let collabs = st.collaborators();
    if !collabs.is_empty() {
        o.push("Collaborators".into());
        o.extend(collabs.iter().cloned());
    }
    e.collaborators = Some(collabs);
    o.push(String::new());
    o.push("5. Study Description".into());
    o.push(String::new());
    if let Some(sum) = st.summary() {
        o.push("Brief Summary".into());
        o.push(collapse(sum));
    }
    if let Some(d) = st.detailed() {
        o.push("Detailed Description".into());
        o.push(collapse(d));
    }
    o.push(String::new());
    o.push("6. Conditions and Keywords".into());
    o.push(String::new());
    o.push("Primary Disease or Condition Being Studied in the Trial, or the Focus of the Study".into());
    o.extend(conds.iter().cloned());
    e.conditions = Some(conds.clone());
    let kws = st.keywords();
    if !kws.is_empty() {
        o.push("Keywords".into());
        o.extend(kws.iter().cloned());
    }
    e.keywords = Some(kws);
    o.push(String::new());
    o.push("7. Study Design".into());
    o.push(String::new());
    let d = st.design();
    if let Some(pp) = s(d, &["primaryPurpose"]) {
        o.push("Primary Purpose".into());
        o.push(title_words(pp));
    }
    if !phase_txt.is_empty() {
        o.push("Study Phase".into());
        o.push(phase_txt.join(", "));
    }
    if let Some(m) = s(d, &["interventionModel"]) {
        o.push("Interventional Study Model".into());
        o.push(model_words(m));
    }
    if let Some(m) = s(d, &["observationalModel"]) {
        o.push("Observational Study Model".into());
        o.push(title_words(m));
    }
    if let Some(m) = masking_words(d) {
        o.push("Masking".into());
        o.push(m.clone());
        e.masking = Some(m);
    }
    if let Some(a) = s(d, &["allocation"]) {
        o.push("Allocation".into());
        o.push(allocation_words(a));
        e.allocation = Some(allocation_words(a));
    }
    if let Some((c, t)) = st.enrollment() {
        let w = t.map(|t| if t == "ESTIMATED" { "Anticipated".to_string() } else { title_words(t) });
        o.push("Enrollment".into());
        o.push(match &w {
            Some(w) => format!("{c} ({w})"),
            None => c.clone(),
        });
        e.enrollment = Some(c);
        e.enrollment_type = w;
    }
    o.push(String::new());
    o.push("8. Arms, Groups, and Interventions".into());
    o.push(String::new());
    let arms = st.arms();
    for a in &arms {
        let label = collapse(s(a, &["label"]).unwrap_or(""));
        o.push("Arm Title".into());
        o.push(label.clone());
        let ty = s(a, &["type"]).map(title_words);
        if let Some(t) = &ty {
            o.push("Arm Type".into());
            o.push(t.clone());
        }
        if let Some(desc) = s(a, &["description"]) {
            o.push("Arm Description".into());
            o.push(collapse(desc));
        }
        e.arms.push((label, ty));
    }
    let mut other_names = Vec::new();
    for iv in &ivs {
        let (n, t) = iv_label(iv);
        o.push("Intervention Type".into());
        o.push(title_words(&t));
        o.push("Intervention Name(s)".into());
        o.push(n.clone());
        if let Some(desc) = s(iv, &["description"]) {
            o.push("Intervention Description".into());
            o.push(collapse(desc));
        }
        let others = strs(iv, &["otherNames"]);
        if !others.is_empty() {
            o.push("Other Intervention Name(s)".into());
            o.extend(others.iter().cloned());
        }
        e.interventions.push((n.clone(), Some(title_words(&t))));
        other_names.push((n, others));
    }
    e.other_names = Some(other_names);
    // Arms then interventions, with no arm labels on the interventions: only a single-arm
    // study links them; with several arms no link may be guessed.
    e.links = Some(
        arms.iter()
            .map(|a| {
                let label = collapse(s(a, &["label"]).unwrap_or(""));
                let names = if arms.len() == 1 { ivs.iter().map(|iv| iv_label(iv).0).collect() } else { Vec::new() };
                (label, names)
            })
            .collect(),
    );
    let mut outs = Vec::new();
    for (kind, label) in [
        ("P", "Primary Outcome Measure Information:"),
        ("S", "Secondary Outcome Measure Information:"),
        ("O", "Other Pre-specified Outcome Measures:"),
    ] {
        let list: Vec<&Value> = st.outcomes().into_iter().filter(|(k, _)| *k == kind).map(|(_, v)| v).collect();
        if list.is_empty() {
            continue;
        }
        o.push(label.into());
        for oc in list {
            let m = collapse(s(oc, &["measure"]).unwrap_or(""));
            o.push("Title".into());
            o.push(m.clone());
            if let Some(desc) = s(oc, &["description"]) {
                o.push("Description".into());
                o.push(collapse(desc));
            }
            let tf = s(oc, &["timeFrame"]).map(collapse);
            if let Some(t) = &tf {
                o.push("Time Frame".into());
                o.push(t.clone());
            }
            outs.push((kind.to_string(), m, tf));
        }
    }
    e.outcomes = Some(outs);
    o.push(String::new());
    o.push("10. Eligibility".into());
    o.push(String::new());
    let el = st.elig();
    if let Some(sx) = s(el, &["sex"]) {
        o.push("Sex".into());
        o.push(title_words(sx));
        e.sex = Some(title_words(sx));
    }
    if let Some(a) = s(el, &["minimumAge"]) {
        o.push("Minimum Age & Unit of Time".into());
        o.push(a.into());
        e.min_age = Some(a.into());
    }
    if let Some(a) = s(el, &["maximumAge"]) {
        o.push("Maximum Age & Unit of Time".into());
        o.push(a.into());
        e.max_age = Some(a.into());
    }
    if let Some(h) = el.get("healthyVolunteers").and_then(Value::as_bool) {
        o.push("Accepts Healthy Volunteers".into());
        o.push(if h { "Yes" } else { "No" }.into());
        e.healthy = Some(if h { "Yes" } else { "No" }.into());
    }
    if let Some(c) = s(el, &["eligibilityCriteria"]) {
        o.push("Eligibility Criteria".into());
        o.push(collapse(c));
        e.criteria = Some(c.to_string());
    }
    // Sites: "Facility Information:" and label / value pairs per site.
    let mut sites = Vec::new();
    for l in st.sites() {
        let site = site_of(l, true);
        o.push("Facility Information:".into());
        for (label, v) in [
            ("Facility Name", &site.facility),
            ("City", &site.city),
            ("State/Province", &site.state),
            ("ZIP/Postal Code", &site.zip),
            ("Country", &site.country),
        ] {
            if let Some(v) = v {
                o.push(label.into());
                o.push(v.clone());
            }
        }
        if let Some(stat) = s(l, &["status"]) {
            o.push("Individual Site Status".into());
            o.push(classic_status(stat));
        }
        sites.push(site);
    }
    e.locations = Some(sites);
    o.push(String::new());
    o.push("12. IPD Sharing Statement".into());
    o.push(String::new());
    let refs = st.refs();
    let mut pmids = Vec::new();
    if !refs.is_empty() {
        o.push("Citations:".into());
        for r in &refs {
            if let Some(pm) = s(r, &["pmid"]) {
                o.push("PubMed Identifier".into());
                o.push(pm.into());
                pmids.push(pm.to_string());
            }
            o.push("Citation".into());
            o.push(collapse(s(r, &["citation"]).unwrap_or("")));
            if let Some(t) = s(r, &["type"]) {
                o.push("Results Reference".into());
                o.push(t.to_lowercase());
            }
        }
    }
    e.ref_count = Some(refs.len());
    e.pmids = Some(pmids);
    e.ref_types = Some(refs.iter().filter_map(|r| s(r, &["type"]).map(str::to_string)).collect());
    if st.sponsor().is_some() {
        e.lead_sponsor = Some(sponsor.to_string());
    }
    o.push(String::new());
    o.push("Learn more about this trial".into());
    o.push(String::new());
    o.push(st.title().unwrap_or("").into());
    (o.join("\n"), e)
}

/// The modern page with bare values: no labels, no roles; the lead sponsor listed last.
fn modern_bare(st: &Study<'_>) -> (String, Expected) {
    let mut e = common_expected(st);
    e.official_title = None;
    let mut o: Vec<String> = Vec::new();
    let nct = st.nct().unwrap_or("");
    o.push(st.title().unwrap_or("").into());
    o.push(format!("NCT ID: {nct}"));
    o.push("Last Updated: 2024-04-16".into());
    o.push("Study Results".into());
    o.push("The study team has not published outcome measurements, participant flow, or safety data for this trial yet. Check back later for updates.".into());
    let head = |o: &mut Vec<String>, h: &str, helper: &str| {
        o.push(h.into());
        o.push(helper.into());
    };
    let pair = |o: &mut Vec<String>, _label: &str, v: &str| {
        o.push(v.into());
    };
    head(
        &mut o,
        "Basic Information",
        "Get a concise snapshot of the trial, including recruitment status, study phase, enrollment targets, and key timeline milestones.",
    );
    if let Some(s) = st.status() {
        pair(&mut o, "Recruitment Status", s);
        e.status = Some(s.into());
    }
    let ph = st.phases();
    if !ph.is_empty() {
        pair(&mut o, "Clinical Phase", &ph.join("/"));
    }
    if let Some((c, _)) = st.enrollment() {
        pair(&mut o, "Total Enrollment", &format!("{c} participants"));
        e.enrollment = Some(c);
    }
    if let Some(t) = st.study_type() {
        pair(&mut o, "Study Classification", t);
        e.study_type = Some(t.into());
    }
    let start = st.date("startDateStruct");
    let comp = st.date("completionDateStruct");
    if start.is_some() {
        if let Some((d, _)) = start {
            pair(&mut o, "Study Start Date", d);
            e.start_date = Some(d.into());
        }
        if let Some((d, _)) = comp {
            pair(&mut o, "Study Completion Date", d);
            e.completion = Some(d.into());
        }
    }
    if let Some(sum) = st.summary() {
        head(
            &mut o,
            "Brief Summary",
            "Review the sponsor-provided synopsis that highlights what the study is about and why it is being conducted.",
        );
        o.extend(paragraphs(sum, "* ").into_iter().filter(|l| !l.trim().is_empty()));
    }
    if let Some(d) = st.detailed() {
        head(
            &mut o,
            "Detailed Description",
            "Dive into the extended narrative that explains the scientific background, objectives, and procedures in greater depth.",
        );
        o.extend(paragraphs(d, "* ").into_iter().filter(|l| !l.trim().is_empty()));
    }
    let conds = st.conditions();
    head(&mut o, "Conditions", "See the medical conditions and disease areas that this research is targeting or investigating.");
    for c in &conds {
        o.push(c.clone());
    }
    e.conditions = Some(conds);
    let d = st.design();
    head(&mut o, "Study Design", "Understand how the trial is structured, including allocation methods, masking strategies, primary purpose, and other design elements.");
    for (label, key) in [
        ("Allocation Method", &["allocation"][..]),
        ("Intervention Model", &["interventionModel"][..]),
        ("Primary Study Purpose", &["primaryPurpose"][..]),
        ("Blinding Strategy", &["maskingInfo", "masking"][..]),
    ] {
        if let Some(v) = s(d, key) {
            pair(&mut o, label, v);
            if label == "Allocation Method" {
                e.allocation = Some(v.into());
            }
            if label == "Blinding Strategy" {
                e.masking = Some(v.into());
            }
        }
    }
    let arms = st.arms();
    let ivs = st.ivs();
    let mut links = Vec::new();
    if !arms.is_empty() {
        head(
            &mut o,
            "Study Groups",
            "Review each arm or cohort in the study, along with the interventions and objectives associated with them.",
        );
        for a in &arms {
            let label = collapse(s(a, &["label"]).unwrap_or(""));
            o.push(label.clone());
            if let Some(desc) = s(a, &["description"]) {
                o.push(collapse(desc));
            }
            let names = arm_iv_names(a);
            for n in &names {
                if let Some(iv) = ivs.iter().find(|iv| iv_label(iv).0 == *n) {
                    o.push(iv_label(iv).0);
                    if let Some(desc) = s(iv, &["description"]) {
                        o.push(collapse(desc));
                    }
                }
            }
            e.arms.push((label.clone(), None));
            links.push((label, names));
        }
    }
    if !ivs.is_empty() {
        head(
            &mut o,
            "Interventions",
            "Learn about the drugs, procedures, or behavioral strategies being tested and how they are applied within this trial.",
        );
        for iv in &ivs {
            let n = iv_label(iv).0;
            o.push(n.clone());
            // A bare page tells a name from its description only by the alternation.
            let desc = s(iv, &["description"]).map(collapse).unwrap_or_else(|| "No description given.".into());
            o.push(desc);
            e.interventions.push((n, None));
        }
    }
    e.links = None;
    head(&mut o, "Eligibility Criteria", "Check the participation requirements, including inclusion and exclusion rules, age limits, and whether healthy volunteers are accepted.");
    let el = st.elig();
    if let Some(c) = s(el, &["eligibilityCriteria"]) {
        o.extend(c.lines().map(|l| l.trim_end().to_string()).filter(|l| !l.trim().is_empty()));
        e.criteria = Some(c.to_string());
    }
    let min = s(el, &["minimumAge"]);
    let max = s(el, &["maximumAge"]);
    // Bare ages: only unambiguous when the minimum is there.
    if let Some(a) = min {
        o.push(a.into());
        e.min_age = Some(a.into());
        if let Some(b) = max {
            o.push(b.into());
            e.max_age = Some(b.into());
        }
    }
    if let Some(sx) = s(el, &["sex"]) {
        pair(&mut o, "Eligible Sex", sx);
        e.sex = Some(sx.into());
    }
    if let Some(h) = el.get("healthyVolunteers").and_then(Value::as_bool) {
        pair(&mut o, "Accepts Healthy Volunteers", if h { "Yes" } else { "No" });
        e.healthy = Some(if h { "Yes" } else { "No" }.into());
    }
    head(&mut o, "Sponsors", "Meet the organizations funding or collaborating on the study and learn about their roles.");
    // The site lists the collaborators first and the lead sponsor last.
    for (name, class) in st.collaborator_classes() {
        o.push(name);
        o.push(class);
    }
    if let Some(sp) = st.sponsor() {
        o.push(sp.into());
        o.push(s(st.p, &["sponsorCollaboratorsModule", "leadSponsor", "class"]).unwrap_or("OTHER").into());
        e.lead_sponsor = Some(sp.to_string());
    }
    e.collaborators = Some(st.collaborators());
    e.locations = Some(modern_locations(&mut o, st, false));
    let refs = st.refs();
    if !refs.is_empty() {
        head(&mut o, "References", "Explore related publications, articles, or registry entries linked to this study.");
        for r in &refs {
            o.push(collapse(s(r, &["citation"]).unwrap_or("")));
        }
        e.ref_count = Some(refs.len());
    }
    modern_identifiers(&mut o, st, &mut e, false);
    head(&mut o, "More Related Trials", "Additional clinical trials that may be relevant based on similarity analysis.");
    (o.join("\n"), e)
}

/// The modern page with labelled values ("Recruitment Status" / "RECRUITING").
fn modern_labelled(st: &Study<'_>) -> (String, Expected) {
    let mut e = common_expected(st);
    e.official_title = None;
    let mut o: Vec<String> = Vec::new();
    let gap = |o: &mut Vec<String>| {
        o.push(String::new());
    };
    let nct = st.nct().unwrap_or("");
    o.push(st.title().unwrap_or("").into());
    gap(&mut o);
    o.push(format!("NCT ID: {nct}"));
    gap(&mut o);
    o.push("Last Updated: 2024-04-16".into());
    gap(&mut o);
    o.push("Study Results".into());
    gap(&mut o);
    o.push("The study team has not published outcome measurements, participant flow, or safety data for this trial yet. Check back later for updates.".into());
    gap(&mut o);
    let head = |o: &mut Vec<String>, h: &str, helper: &str| {
        o.push(h.into());
        o.push(String::new());
        o.push(helper.into());
        o.push(String::new());
    };
    let pair = |o: &mut Vec<String>, label: &str, v: &str| {
        o.push(label.into());
        o.push(String::new());
        o.push(v.into());
        o.push(String::new());
    };
    head(
        &mut o,
        "Basic Information",
        "Get a concise snapshot of the trial, including recruitment status, study phase, enrollment targets, and key timeline milestones.",
    );
    if let Some(s) = st.status() {
        pair(&mut o, "Recruitment Status", s);
        e.status = Some(s.into());
    }
    let ph = st.phases();
    if !ph.is_empty() {
        pair(&mut o, "Clinical Phase", &ph.join("/"));
    }
    if let Some((c, _)) = st.enrollment() {
        pair(&mut o, "Total Enrollment", &format!("{c} participants"));
        e.enrollment = Some(c);
    }
    if let Some(t) = st.study_type() {
        pair(&mut o, "Study Classification", t);
        e.study_type = Some(t.into());
    }
    let start = st.date("startDateStruct");
    let comp = st.date("completionDateStruct");
    {
        if let Some((d, _)) = start {
            pair(&mut o, "Study Start Date", d);
            e.start_date = Some(d.into());
        }
        if let Some((d, _)) = comp {
            pair(&mut o, "Study Completion Date", d);
            e.completion = Some(d.into());
        }
    }
    if let Some(sum) = st.summary() {
        head(
            &mut o,
            "Brief Summary",
            "Review the sponsor-provided synopsis that highlights what the study is about and why it is being conducted.",
        );
        o.extend(paragraphs(sum, "* ").into_iter().filter(|l| !l.trim().is_empty()));
        gap(&mut o);
    }
    if let Some(d) = st.detailed() {
        head(
            &mut o,
            "Detailed Description",
            "Dive into the extended narrative that explains the scientific background, objectives, and procedures in greater depth.",
        );
        o.extend(paragraphs(d, "* ").into_iter().filter(|l| !l.trim().is_empty()));
        gap(&mut o);
    }
    let conds = st.conditions();
    head(&mut o, "Conditions", "See the medical conditions and disease areas that this research is targeting or investigating.");
    for c in &conds {
        o.push(c.clone());
        gap(&mut o);
    }
    e.conditions = Some(conds);
    let d = st.design();
    head(&mut o, "Study Design", "Understand how the trial is structured, including allocation methods, masking strategies, primary purpose, and other design elements.");
    for (label, key) in [
        ("Allocation Method", &["allocation"][..]),
        ("Intervention Model", &["interventionModel"][..]),
        ("Primary Study Purpose", &["primaryPurpose"][..]),
        ("Blinding Strategy", &["maskingInfo", "masking"][..]),
    ] {
        if let Some(v) = s(d, key) {
            pair(&mut o, label, v);
            if label == "Allocation Method" {
                e.allocation = Some(v.into());
            }
            if label == "Blinding Strategy" {
                e.masking = Some(v.into());
            }
        }
    }
    let arms = st.arms();
    let ivs = st.ivs();
    let mut links = Vec::new();
    if !arms.is_empty() {
        head(
            &mut o,
            "Study Groups",
            "Review each arm or cohort in the study, along with the interventions and objectives associated with them.",
        );
        for a in &arms {
            let label = collapse(s(a, &["label"]).unwrap_or(""));
            o.push(label.clone());
            gap(&mut o);
            if let Some(desc) = s(a, &["description"]) {
                o.push(collapse(desc));
                gap(&mut o);
            }
            let ty = s(a, &["type"]).map(str::to_string);
            if let Some(t) = &ty {
                o.push(format!("Group Type {t}"));
                gap(&mut o);
            }
            let names = arm_iv_names(a);
            for n in &names {
                if let Some(iv) = ivs.iter().find(|iv| iv_label(iv).0 == *n) {
                    let (name, t) = iv_label(iv);
                    o.push(name);
                    gap(&mut o);
                    o.push(format!("Intervention Type {t}"));
                    gap(&mut o);
                    if let Some(desc) = s(iv, &["description"]) {
                        o.push(collapse(desc));
                        gap(&mut o);
                    }
                }
            }
            e.arms.push((label.clone(), ty));
            links.push((label, names));
        }
    }
    if !ivs.is_empty() {
        head(
            &mut o,
            "Interventions",
            "Learn about the drugs, procedures, or behavioral strategies being tested and how they are applied within this trial.",
        );
        for iv in &ivs {
            let (n, t) = iv_label(iv);
            o.push(n.clone());
            gap(&mut o);
            // A bare page tells a name from its description only by the alternation.
            let desc = s(iv, &["description"]).map(collapse).unwrap_or_else(|| "No description given.".into());
            o.push(desc);
            gap(&mut o);
            o.push(format!("Intervention Type {t}"));
            gap(&mut o);
            e.interventions.push((n, Some(t)));
        }
    }
    e.links = Some(links);
    let outs = st.outcomes();
    if !outs.is_empty() {
        head(&mut o, "Outcome Measures", "Review the measures the study team will use to judge the results, with their time frames.");
        let mut got = Vec::new();
        for (kind, label) in [("P", "Primary Outcomes"), ("S", "Secondary Outcomes"), ("O", "Other Outcomes")] {
            let list: Vec<&Value> = outs.iter().filter(|(k, _)| *k == kind).map(|(_, v)| *v).collect();
            if list.is_empty() {
                continue;
            }
            o.push(label.into());
            gap(&mut o);
            for oc in list {
                let m = collapse(s(oc, &["measure"]).unwrap_or(""));
                o.push(m.clone());
                gap(&mut o);
                if let Some(desc) = s(oc, &["description"]) {
                    o.push(collapse(desc));
                    gap(&mut o);
                }
                let tf = s(oc, &["timeFrame"]).map(collapse);
                if let Some(t) = &tf {
                    o.push(format!("Time Frame: {t}"));
                    gap(&mut o);
                }
                got.push((kind.to_string(), m, tf));
            }
        }
        e.outcomes = Some(got);
    }
    head(&mut o, "Eligibility Criteria", "Check the participation requirements, including inclusion and exclusion rules, age limits, and whether healthy volunteers are accepted.");
    let el = st.elig();
    if let Some(c) = s(el, &["eligibilityCriteria"]) {
        o.extend(c.lines().map(|l| l.trim_end().to_string()).filter(|l| !l.trim().is_empty()));
        e.criteria = Some(c.to_string());
    }
    let min = s(el, &["minimumAge"]);
    let max = s(el, &["maximumAge"]);
    if let Some(a) = min {
        pair(&mut o, "Minimum Eligible Age", a);
        e.min_age = Some(a.into());
    }
    if let Some(a) = max {
        pair(&mut o, "Maximum Eligible Age", a);
        e.max_age = Some(a.into());
    }
    if let Some(sx) = s(el, &["sex"]) {
        pair(&mut o, "Eligible Sex", sx);
        e.sex = Some(sx.into());
    }
    if let Some(h) = el.get("healthyVolunteers").and_then(Value::as_bool) {
        pair(&mut o, "Accepts Healthy Volunteers", if h { "Yes" } else { "No" });
        e.healthy = Some(if h { "Yes" } else { "No" }.into());
    }
    head(&mut o, "Sponsors", "Meet the organizations funding or collaborating on the study and learn about their roles.");
    // The site lists the collaborators first and the lead sponsor last.
    for (name, class) in st.collaborator_classes() {
        o.push(name);
        gap(&mut o);
        o.push(class);
        gap(&mut o);
        o.push("Sponsor Role collaborator".into());
        gap(&mut o);
    }
    if let Some(sp) = st.sponsor() {
        o.push(sp.into());
        gap(&mut o);
        o.push(s(st.p, &["sponsorCollaboratorsModule", "leadSponsor", "class"]).unwrap_or("OTHER").into());
        gap(&mut o);
        o.push("Sponsor Role lead".into());
        gap(&mut o);
        e.lead_sponsor = Some(sp.to_string());
    }
    e.collaborators = Some(st.collaborators());
    e.locations = Some(modern_locations(&mut o, st, true));
    let refs = st.refs();
    if !refs.is_empty() {
        head(&mut o, "References", "Explore related publications, articles, or registry entries linked to this study.");
        let mut pmids = Vec::new();
        for r in &refs {
            o.push(collapse(s(r, &["citation"]).unwrap_or("")));
            gap(&mut o);
            if let Some(t) = s(r, &["type"]) {
                o.push(format!("Reference Type {t}"));
            }
            if let Some(pm) = s(r, &["pmid"]) {
                o.push(format!("PMID: {pm} (View on PubMed)"));
                pmids.push(pm.to_string());
            }
            gap(&mut o);
        }
        e.ref_count = Some(refs.len());
        e.pmids = Some(pmids);
        e.ref_types = Some(refs.iter().filter_map(|r| s(r, &["type"]).map(str::to_string)).collect());
    }
    modern_identifiers(&mut o, st, &mut e, true);
    head(&mut o, "More Related Trials", "Additional clinical trials that may be relevant based on similarity analysis.");
    (o.join("\n"), e)
}
