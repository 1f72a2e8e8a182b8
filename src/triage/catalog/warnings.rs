//! The checks of `triage resources check` beyond validation.

use super::{Catalog, Coverage, Resource};
use crate::diagnostic::Diagnostic;
use crate::triage::date::Date;
use crate::triage::vocab::{Population, Province, Status};

impl Catalog {
    /// The checks of `triage resources check` beyond validation: entries not verified within
    /// `stale_days` of `today`, populations and provinces whose only specific crisis options are
    /// not 24/7, and active entries with no way to reach them.
    pub fn warnings(&self, today: Date, stale_days: u32) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for r in &self.resources {
            if r.status != Status::Defunct {
                entry_warnings(r, today, stale_days, &mut out);
            }
        }
        let active_crisis: Vec<&Resource> =
            self.resources.iter().filter(|r| r.is_offerable() && r.is_crisis()).collect();
        population_warnings(&active_crisis, &mut out);
        province_warnings(&active_crisis, &mut out);
        out
    }
}

/// A warning on an entry's first line.
fn at(r: &Resource, message: String) -> Diagnostic {
    Diagnostic { file: r.file.clone(), line: r.line, column: 1, message }
}

/// One entry not defunct: stale or verified in the future, active with no way to reach it.
fn entry_warnings(r: &Resource, today: Date, stale_days: u32, out: &mut Vec<Diagnostic>) {
    let age = r.last_verified.days_until(today);
    if age > i64::from(stale_days) {
        out.push(at(
            r,
            format!("`{}` is stale: last verified {} ({age} days ago; limit {stale_days})", r.id, r.last_verified),
        ));
    } else if age < 0 {
        out.push(at(r, format!("`{}` was last verified {} which is after today", r.id, r.last_verified)));
    }
    if r.status == Status::Active && r.phone.is_empty() && r.text.is_empty() && r.url.is_none() {
        out.push(at(r, format!("`{}` is active but lists no phone, text number or URL", r.id)));
    }
}

/// Populations whose only specific crisis options are not 24/7.
fn population_warnings(active_crisis: &[&Resource], out: &mut Vec<Diagnostic>) {
    for population in Population::ALL {
        let specific: Vec<&&Resource> = active_crisis
            .iter()
            .filter(|r| r.audience.as_ref().is_some_and(|a| a.named().any(|p| p == *population)))
            .collect();
        if !specific.is_empty() && specific.iter().all(|r| !r.hours.is_24_7()) {
            let ids: Vec<&str> = specific.iter().map(|r| r.id.as_str()).collect();
            let first = specific[0];
            out.push(at(
                first,
                format!(
                    "population `{population}`: its only specific crisis option ({}) is not 24/7 ({}); always pair it with a 24/7 line",
                    ids.join(", "),
                    first.hours.text()
                ),
            ));
        }
    }
}

/// Provinces whose only crisis lines open to everyone are not known to be 24/7.
fn province_warnings(active_crisis: &[&Resource], out: &mut Vec<Diagnostic>) {
    for province in Province::ALL {
        let specific: Vec<&&Resource> = active_crisis
            .iter()
            .filter(|r| matches!(&r.coverage, Coverage::Provinces(list) if list.contains(province)))
            .filter(|r| !r.is_restricted())
            .collect();
        if !specific.is_empty() && specific.iter().all(|r| !r.hours.is_24_7()) {
            let ids: Vec<&str> = specific.iter().map(|r| r.id.as_str()).collect();
            out.push(at(
                specific[0],
                format!(
                    "{}: its only provincial crisis line ({}) is not known to be 24/7; 988 and 9-1-1 remain the 24/7 options",
                    province.code(),
                    ids.join(", ")
                ),
            ));
        }
    }
}
