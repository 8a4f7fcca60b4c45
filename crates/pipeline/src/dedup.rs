//! Duplicate resolution: the same trial read twice (two downloads, a page and its JSON) must be
//! one row in `trials`. The copy with the newest last-update date is kept; on a tie (or when
//! neither states one) the first in input order is kept. The dropped copy is never silent: it
//! gets a WARNING row naming the file that was kept, and whether the two copies agree (their
//! normalized rows, provenance aside, hash the same).
//!
//! The index holds one small entry per trial (the only state of a run that grows with the
//! input), so it keeps no record, only where the kept copy is and what it said.

use std::collections::HashMap;
use std::sync::Arc;

use trialtables_extract::Severity;
use trialtables_normalize::model::Trial;
use trialtables_normalize::RecordIssue;

/// What is remembered of a kept trial.
struct Kept {
    /// The writer's sequence number of its record (to drop it if a newer copy comes).
    seq: usize,
    last_update: Option<i32>,
    last_update_raw: Option<Box<str>>,
    /// Shared by all trials of a file.
    source_path: Arc<str>,
    line: i64,
    fingerprint: u64,
}

/// What to do with a record offered to the index.
#[derive(Debug, PartialEq)]
pub enum Decision {
    /// The first copy of this trial: write it, then [`DuplicateIndex::remember`] and [`DuplicateIndex::kept`].
    New,
    /// Newer than the copy already written as `old_seq`: drop that one, write this one (see
    /// [`DuplicateIndex::remember`]) and record `issue`, which names the dropped copy.
    Supersedes {
        /// The writer's sequence number of the copy to drop.
        old_seq: usize,
        /// The WARNING row for the dropped copy.
        issue: RecordIssue,
    },
    /// Not newer than the copy already written: drop this one and record `issue`.
    Dropped {
        /// The WARNING row for this copy.
        issue: RecordIssue,
    },
}

/// Trials seen so far in a run, by NCT id.
#[derive(Default)]
pub struct DuplicateIndex {
    seen: HashMap<Box<str>, Kept>,
    last_path: Option<Arc<str>>,
}

impl DuplicateIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of distinct trials kept.
    pub fn trials(&self) -> usize {
        self.seen.len()
    }

    /// Decides what happens to the record of trial row `t` (with an NCT id), whose normalized rows hash to
    /// `fingerprint`.
    pub fn offer(&self, t: &Trial, fingerprint: u64) -> Decision {
        let Some(old) = self.seen.get(t.nct_id.as_str()) else { return Decision::New };
        let id = t.nct_id.as_str();
        let agree = old.fingerprint == fingerprint;
        if t.last_update_date.map(|d| d.days) > old.last_update {
            Decision::Supersedes {
                old_seq: old.seq,
                issue: issue(
                    id,
                    (&old.source_path, old.line, old.last_update_raw.as_deref()),
                    (&t.source_path, t.last_update_date_raw.as_deref()),
                    agree,
                ),
            }
        } else {
            Decision::Dropped {
                issue: issue(
                    id,
                    (&t.source_path, t.source_line, t.last_update_date_raw.as_deref()),
                    (&old.source_path, old.last_update_raw.as_deref()),
                    agree,
                ),
            }
        }
    }

    /// What to remember of the record of `t` once it is written (after [`Decision::New`] or
    /// [`Decision::Supersedes`]); taken before the record moves into the writer, completed by
    /// [`DuplicateIndex::kept`] with the writer's sequence number.
    pub fn remember(&mut self, t: &Trial, fingerprint: u64) -> Pending {
        let path = match &self.last_path {
            Some(p) if **p == *t.source_path => p.clone(),
            _ => {
                let p: Arc<str> = Arc::from(t.source_path.as_str());
                self.last_path = Some(p.clone());
                p
            }
        };
        Pending {
            id: Box::from(t.nct_id.as_str()),
            kept: Kept {
                seq: 0,
                last_update: t.last_update_date.map(|d| d.days),
                last_update_raw: t.last_update_date_raw.as_deref().map(Box::from),
                source_path: path,
                line: t.source_line,
                fingerprint,
            },
        }
    }

    /// Records that the remembered trial was written as `seq`.
    pub fn kept(&mut self, p: Pending, seq: usize) {
        self.seen.insert(p.id, Kept { seq, ..p.kept });
    }
}

/// A trial about to be written (see [`DuplicateIndex::remember`]).
pub struct Pending {
    id: Box<str>,
    kept: Kept,
}

/// The WARNING row of a dropped copy: (path, line, last update as stated) of the dropped one,
/// (path, last update) of the kept one.
fn issue(id: &str, dropped: (&str, i64, Option<&str>), kept: (&str, Option<&str>), agree: bool) -> RecordIssue {
    RecordIssue {
        source_path: dropped.0.to_string(),
        line: dropped.1,
        nct_id: Some(id.to_string()),
        severity: Severity::Warning,
        field: Some("nct_id".into()),
        message: format!(
            "{id} is also read from {} (last update {}); that record was kept and this one dropped{}",
            kept.0,
            kept.1.unwrap_or("unstated"),
            if agree { "; the two records agree" } else { "; the two records differ" }
        ),
        raw_value: dropped.2.map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use trialtables_normalize::dates::days_from_civil;
    use trialtables_normalize::{Normalized, PartialDate, Precision};

    fn rec(id: &str, path: &str, line: i64, updated: Option<(i32, u32, u32)>) -> Normalized {
        let mut n = Normalized::default();
        n.trial.nct_id = id.into();
        n.trial.source_path = path.into();
        n.trial.source_line = line;
        n.trial.last_update_date =
            updated.map(|(y, m, d)| PartialDate { days: days_from_civil(y, m, d).unwrap(), precision: Precision::Day });
        n.trial.last_update_date_raw = updated.map(|(y, m, d)| format!("{y}-{m:02}-{d:02}"));
        n
    }

    /// Offers each record in turn, applying the decisions like the writer does; returns the
    /// kept (path of each trial's surviving copy) and the messages of the dropped copies.
    fn resolve(recs: &[(Normalized, u64)]) -> (Vec<String>, Vec<(String, String)>) {
        let mut idx = DuplicateIndex::new();
        let mut written: Vec<Option<String>> = Vec::new();
        let mut issues = Vec::new();
        for (n, fp) in recs {
            match idx.offer(&n.trial, *fp) {
                Decision::New => {
                    let p = idx.remember(&n.trial, *fp);
                    written.push(Some(n.trial.source_path.clone()));
                    idx.kept(p, written.len() - 1);
                }
                Decision::Supersedes { old_seq, issue } => {
                    written[old_seq] = None;
                    let p = idx.remember(&n.trial, *fp);
                    written.push(Some(n.trial.source_path.clone()));
                    idx.kept(p, written.len() - 1);
                    issues.push((issue.source_path, issue.message));
                }
                Decision::Dropped { issue } => issues.push((issue.source_path, issue.message)),
            }
        }
        (written.into_iter().flatten().collect(), issues)
    }

    #[test]
    fn the_newest_copy_is_kept_whatever_the_order() {
        let old = (rec("NCT1", "a.json", 3, Some((2020, 1, 1))), 1);
        let new = (rec("NCT1", "b.xml", 1, Some((2021, 6, 30))), 2);
        for order in [vec![old.clone(), new.clone()], vec![new.clone(), old.clone()]] {
            let (kept, issues) = resolve(&order);
            assert_eq!(kept, vec!["b.xml"]);
            assert_eq!(
                issues,
                vec![(
                    "a.json".to_string(),
                    "NCT1 is also read from b.xml (last update 2021-06-30); that record was kept and this one dropped; the two records differ"
                        .to_string()
                )]
            );
        }
    }

    #[test]
    fn ties_and_unstated_dates_keep_the_first_in_input_order() {
        let (kept, issues) = resolve(&[(rec("NCT1", "a", 1, None), 7), (rec("NCT1", "b", 1, None), 7)]);
        assert_eq!(kept, vec!["a"]);
        assert!(issues[0].1.ends_with("(last update unstated); that record was kept and this one dropped; the two records agree"));
        let (kept, _) = resolve(&[(rec("NCT1", "a", 1, Some((2020, 1, 1))), 1), (rec("NCT1", "b", 1, Some((2020, 1, 1))), 2)]);
        assert_eq!(kept, vec!["a"]);
        // A stated date beats an unstated one, in either order.
        let (kept, _) = resolve(&[(rec("NCT1", "a", 1, None), 1), (rec("NCT1", "b", 1, Some((2019, 1, 1))), 2)]);
        assert_eq!(kept, vec!["b"]);
        let (kept, _) = resolve(&[(rec("NCT1", "b", 1, Some((2019, 1, 1))), 2), (rec("NCT1", "a", 1, None), 1)]);
        assert_eq!(kept, vec!["b"]);
    }

    #[test]
    fn three_copies_and_other_trials() {
        let recs = [
            (rec("NCT1", "1", 1, Some((2019, 1, 1))), 1),
            (rec("NCT2", "2", 1, None), 5),
            (rec("NCT1", "3", 1, Some((2022, 1, 1))), 1),
            (rec("NCT1", "4", 1, Some((2021, 1, 1))), 1),
        ];
        let (kept, issues) = resolve(&recs);
        assert_eq!(kept, vec!["2", "3"]);
        assert_eq!(issues.iter().map(|i| i.0.as_str()).collect::<Vec<_>>(), vec!["1", "4"]);
        assert!(issues.iter().all(|i| i.1.contains("also read from 3") && i.1.ends_with("agree")));
    }
}
