//! Options of the normalize stage, read from `pipeline.toml` (`[normalize]`).

use serde::{Deserialize, Serialize};

/// Options of the normalize stage.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NormalizeConfig {
    /// Conditions vocabulary: each category lists case-insensitive substrings; the first
    /// category with a matching pattern is the condition's `category`.
    #[serde(default)]
    pub condition_categories: Vec<ConditionCategory>,
}

/// One category of the conditions vocabulary.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ConditionCategory {
    /// Category name written to `conditions.category` (e.g. "SLE").
    pub name: String,
    /// Case-insensitive substrings that select it (e.g. "lupus", "SLE").
    pub patterns: Vec<String>,
}

impl NormalizeConfig {
    /// The category of a condition string, if any pattern matches. Patterns of three
    /// characters or fewer must match a whole word ("SLE" does not match "sleep").
    pub fn category_of(&self, condition: &str) -> Option<&str> {
        let lower = condition.to_lowercase();
        for cat in &self.condition_categories {
            for p in &cat.patterns {
                let p = p.to_lowercase();
                if p.chars().count() <= 3 {
                    if lower.split(|c: char| !c.is_alphanumeric()).any(|w| w == p) {
                        return Some(&cat.name);
                    }
                } else if lower.contains(&p) {
                    return Some(&cat.name);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories() {
        let cfg = NormalizeConfig {
            condition_categories: vec![ConditionCategory { name: "SLE".into(), patterns: vec!["lupus".into(), "sle".into()] }],
        };
        assert_eq!(cfg.category_of("Systemic Lupus Erythematosus"), Some("SLE"));
        assert_eq!(cfg.category_of("Refractory SLE"), Some("SLE"));
        assert_eq!(cfg.category_of("Sleep apnea"), None);
    }
}
