//! The catalog's loading and checks on small entries written for each case.

use std::collections::BTreeSet;

use super::*;
use crate::diagnostic::Diagnostic;
use crate::triage::date::Date;
use crate::triage::vocab::Population;

pub(crate) const MINIMAL: &str = r#"
[[resources]]
id = "crisis-988"
name = { en = "9-8-8" }
organisation = "CAMH"
url = "https://988.ca"
phone = ["988"]
text = ["988"]
hours = "24/7"
languages = ["en", "fr"]
cost = "free"
modality = ["phone", "text"]
conditions = ["suicide", "distress"]
coverage = ["national"]
needs_internet = false
needs_smartphone = false
levels = ["crisis"]
status = "active"
last_verified = "2025-12-10"
source = ["CNW-988-2025-09"]
"#;

fn load(text: &str) -> (Catalog, Vec<Diagnostic>) {
    Catalog::from_sources([("r.toml", text)])
}

#[test]
fn a_minimal_entry_loads() {
    let (catalog, problems) = load(MINIMAL);
    assert!(problems.is_empty(), "{problems:?}");
    let r = catalog.get("crisis-988").unwrap();
    assert!(r.hours.is_24_7());
    assert_eq!(r.line, 2);
    assert!(r.is_offerable());
}

#[test]
fn a_french_name_needs_a_source_the_entry_cites() {
    let named = |name: &str| MINIMAL.replace(r#"name = { en = "9-8-8" }"#, name);
    let (catalog, problems) = load(&named(r#"name = { en = "9-8-8", fr = "9-8-8 : Ligne", fr_source = "reference" }"#));
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(catalog.get("crisis-988").map(|r| r.name(super::super::vocab::Lang::Fr)), Some("9-8-8 : Ligne"));
    let (_, problems) =
        load(&named(r#"name = { en = "9-8-8", fr = "9-8-8 : Ligne", fr_source = "https://988.ca/fr" }"#));
    assert!(problems.is_empty(), "{problems:?}");
    let (_, problems) = load(&named(r#"name = { en = "9-8-8", fr = "9-8-8 : Ligne" }"#));
    assert_eq!((problems.len(), problems[0].line, problems[0].column), (1, 4, 29), "{problems:?}");
    assert!(problems[0].message.starts_with("French name `9-8-8 : Ligne` has no source"));
    let (_, problems) = load(&named(r#"name = { en = "9-8-8", fr = "9-8-8 : Ligne", fr_source = "blog" }"#));
    assert!(problems[0].message.starts_with("`fr_source` `blog` is not one of"), "{problems:?}");
    let (_, problems) = load(&named(r#"name = { en = "9-8-8", fr = "9-8-8", fr_source = "reference" }"#));
    assert!(problems[0].message.starts_with("French name is the English name"), "{problems:?}");
    let (_, problems) = load(&named(r#"name = { en = "9-8-8", fr_source = "reference" }"#));
    assert!(problems[0].message.starts_with("`fr_source` without a French name"), "{problems:?}");
}

/// A French client sees the English name of a service that has no French name in a source:
/// a proper name, not a translation we would have to invent.
#[test]
fn without_a_french_name_the_english_name_is_shown() {
    let (catalog, _) = load(MINIMAL);
    let resource = catalog.get("crisis-988").unwrap();
    assert_eq!(resource.name(super::super::vocab::Lang::Fr), "9-8-8");
    let (shipped, _) = Catalog::from_sources(SHIPPED.iter().copied());
    let strongest = shipped.get("strongest-families").map(|r| r.name(super::super::vocab::Lang::Fr));
    assert_eq!(strongest, Some("Strongest Families Institute"));
}

#[test]
fn phone_formats() {
    for good in ["988", "911", "811", "9-1-1", "1-800-668-6868", "604-255-7999", "310-6789", "1-866-277-3553"] {
        assert!(valid_phone(good), "{good}");
    }
    for bad in ["", "12", "1-800-APPELLE", "800-668-6868x", "(604) 255-7999", "1-800-668-686", "123-456-7890", "9-1-2"]
    {
        assert!(!valid_phone(bad), "{bad}");
    }
    assert!(valid_text_number("686868"));
    assert!(valid_text_number("1-855-957-5353"));
    assert!(!valid_text_number("CONNECT"));
}

#[test]
fn a_bad_phone_is_located() {
    let (catalog, problems) = load(&MINIMAL.replace("phone = [\"988\"]", "phone = [\"1-800-SUICIDE\"]"));
    assert!(catalog.resources.is_empty());
    assert_eq!(problems.len(), 1);
    assert_eq!((problems[0].line, problems[0].column), (7, 10));
    assert!(problems[0].message.starts_with("phone `1-800-SUICIDE` is not"));
}

#[test]
fn missing_and_unknown_fields_are_errors() {
    let (_, problems) = load(&MINIMAL.replace("organisation = \"CAMH\"\n", ""));
    assert!(problems[0].message.contains("missing field `organisation`"), "{}", problems[0]);
    let (_, problems) = load(&MINIMAL.replace("cost = \"free\"", "cost = \"free\"\ncolour = \"red\""));
    assert!(problems[0].message.contains("unknown field `colour`"), "{}", problems[0]);
    let (_, problems) = load(&MINIMAL.replace("[\"national\"]", "[\"XX\"]"));
    assert!(problems[0].message.starts_with("unknown province or territory `XX`"), "{}", problems[0]);
    assert_eq!(problems[0].line, 14);
    let (_, problems) = load(&MINIMAL.replace("\"2025-12-10\"", "\"Sept 2025\""));
    assert!(problems[0].message.contains("is not a date"));
}

#[test]
fn duplicate_ids_across_files_are_reported() {
    let (catalog, problems) = Catalog::from_sources([("a.toml", MINIMAL), ("b.toml", MINIMAL)]);
    assert_eq!(catalog.resources.len(), 1);
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].file, "b.toml");
    assert!(problems[0].message.contains("duplicate id `crisis-988` (first defined at a.toml:2)"));
}

#[test]
fn non_active_entries_need_a_note() {
    let (_, problems) = load(&MINIMAL.replace("status = \"active\"", "status = \"defunct\""));
    assert!(problems[0].message.contains("needs `status_note`"));
}

/// MINIMAL with `lines` added after `cost` (line 11), so errors on them are at line 12.
fn with(lines: &str) -> String {
    MINIMAL.replace("cost = \"free\"\n", &format!("cost = \"free\"\n{lines}\n"))
}

#[test]
fn audiences_load_and_say_who_is_in_them() {
    use Population::*;
    let cases: &[(&str, &[Population], bool)] = &[
        (r#"audience = { all_of = ["indigenous", "women"] }"#, &[Indigenous, Women], true),
        (r#"audience = { all_of = ["indigenous", "women"] }"#, &[Women], false),
        (r#"audience = { all_of = ["indigenous", "women"] }"#, &[Indigenous], false),
        (r#"audience = { all_of = ["black"], any_of = ["youth", "families"] }"#, &[Black, Families], true),
        (r#"audience = { all_of = ["black"], any_of = ["youth", "families"] }"#, &[Black], false),
        (r#"audience = { all_of = ["black"], any_of = ["youth", "families"] }"#, &[Youth], false),
        (r#"audience = { families_of = "veterans" }"#, &[Veterans], true),
        (r#"audience = { families_of = "veterans" }"#, &[Veterans, Families], true),
        (r#"audience = { families_of = "veterans" }"#, &[Families], false),
        (r#"audience = { any_of = ["2slgbtq", "trans"] }"#, &[Trans], true),
        (r#"audience = { any_of = ["2slgbtq", "trans"] }"#, &[], false),
    ];
    for (line, populations, included) in cases {
        let (catalog, problems) = load(&with(line));
        assert!(problems.is_empty(), "{line}: {problems:?}");
        let r = &catalog.resources[0];
        assert_eq!(r.is_open_to(populations), *included, "{line} {populations:?}");
        assert_eq!(r.is_designed_for(populations), *included, "{line} {populations:?}");
        assert!(r.is_restricted());
    }
    let (catalog, _) = load(&with(r#"audience = { any_of = ["students"], serves_everyone = true }"#));
    let r = &catalog.resources[0];
    assert!(r.is_open_to(&[]) && !r.is_designed_for(&[]) && r.is_designed_for(&[Students]) && !r.is_restricted());
    let (catalog, _) = load(MINIMAL);
    assert!(catalog.resources[0].is_open_to(&[]) && catalog.resources[0].audience.is_none());
}

#[test]
fn ambiguous_or_contradictory_audiences_are_refused_where_they_are() {
    let cases: &[(&str, usize, &str)] = &[
        (r#"populations = ["trans"]"#, 15, "`populations` is replaced by `audience`"),
        ("only_for_populations = true", 24, "`only_for_populations` is replaced by `audience`"),
        ("audience = {}", 12, "`audience` names nobody"),
        ("audience = { all_of = [] }", 23, "`audience.all_of` is empty"),
        (r#"audience = { all_of = ["black"], any_of = ["black", "youth"] }"#, 44, "`black` is named twice"),
        (r#"audience = { any_of = ["youth", "youth"] }"#, 33, "`youth` is named twice"),
        (r#"audience = { families_of = "veterans", all_of = ["women"] }"#, 28, "`audience.families_of` stands alone"),
        (r#"audience = { families_of = "families" }"#, 28, "says nothing"),
        (r#"audience = { families_of = "youth" }"#, 28, "a young person's family member is not youth"),
        (r#"audience = { all_of = ["indigenous"], serves_everyone = true }"#, 57, "`serves_everyone` contradicts"),
        (r#"audience = { any_of = ["youth", "families"] }"#, 12, "leaves out every adult family member"),
        (r#"audience = { all_of = ["martians"] }"#, 23, "unknown population `martians`"),
        (r#"audience = { everyone = true }"#, 14, "unknown field `everyone`"),
    ];
    for (line, column, message) in cases {
        let text = with(line).replace("cost = \"free\"\n", "cost = \"free\"\nmax_age = 17\n");
        let text = if message.contains("adult family") { text } else { with(line) };
        let (catalog, problems) = load(&text);
        assert!(catalog.resources.is_empty(), "{line}");
        let found = problems.iter().find(|p| p.message.contains(message));
        let found = found.unwrap_or_else(|| panic!("{line}: {problems:?}"));
        let expected_line = if message.contains("adult family") { 13 } else { 12 };
        assert_eq!((found.line, found.column), (expected_line, *column), "{line}: {found}");
    }
    let (_, problems) = load(&with("national_for = [\"veterans\"]"));
    assert!(problems[0].message.contains("`national_for` needs an `audience`"), "{problems:?}");
    let (_, problems) = load(&with("national_for = [\"veterans\"]\naudience = { all_of = [\"students\"] }"));
    assert!(problems[0].message.contains("`national_for` names `veterans`"), "{problems:?}");
}

fn arb_population_list() -> impl proptest::strategy::Strategy<Value = Option<Vec<Population>>> {
    proptest::option::of(proptest::collection::vec(proptest::sample::select(Population::ALL.to_vec()), 0..3))
}

proptest::proptest! {
    /// Any audience either loads as one unambiguous rule or is refused on its own line.
    #[test]
    fn every_audience_is_unambiguous_or_refused_where_it_is(
        all_of in arb_population_list(),
        any_of in arb_population_list(),
        families_of in proptest::option::of(proptest::sample::select(Population::ALL.to_vec())),
        serves_everyone in proptest::option::of(proptest::bool::ANY),
    ) {
        let quoted = |list: &[Population]| list.iter().map(|p| format!("\"{p}\"")).collect::<Vec<_>>().join(", ");
        let mut parts = Vec::new();
        if let Some(list) = &all_of {
            parts.push(format!("all_of = [{}]", quoted(list)));
        }
        if let Some(list) = &any_of {
            parts.push(format!("any_of = [{}]", quoted(list)));
        }
        if let Some(group) = families_of {
            parts.push(format!("families_of = \"{group}\""));
        }
        if let Some(flag) = serves_everyone {
            parts.push(format!("serves_everyone = {flag}"));
        }
        let (catalog, problems) = load(&with(&format!("audience = {{ {} }}", parts.join(", "))));
        match catalog.resources.first().and_then(|r| r.audience.as_ref()) {
            Some(a) => {
                let named: Vec<Population> = a.named().collect();
                let unique: BTreeSet<Population> = named.iter().copied().collect();
                proptest::prop_assert!(!named.is_empty() && unique.len() == named.len(), "{a:?}");
                proptest::prop_assert!(a.families_of.is_none() || (a.all_of.is_empty() && a.any_of.is_empty()));
                proptest::prop_assert!(!a.serves_everyone || (a.all_of.is_empty() && a.families_of.is_none()));
                proptest::prop_assert!(problems.is_empty());
            }
            None => {
                proptest::prop_assert!(catalog.resources.is_empty());
                proptest::prop_assert!(!problems.is_empty() && problems.iter().all(|p| p.line == 12), "{problems:?}");
            }
        }
    }
}

#[test]
fn stale_entries_and_lonely_part_time_crisis_lines_are_warned() {
    let part_time = MINIMAL
        .replace("crisis-988", "trans-lifeline")
        .replace("hours = \"24/7\"", "hours = \"Mon-Fri 10:00-18:00 PT\"\naudience = { all_of = [\"trans\"] }")
        .replace("phone = [\"988\"]", "phone = [\"1-877-330-6366\"]")
        .replace("\"2025-12-10\"", "\"2025-04\"");
    let (catalog, problems) = Catalog::from_sources([("a.toml", MINIMAL), ("b.toml", part_time.as_str())]);
    assert!(problems.is_empty(), "{problems:?}");
    let today = Date::parse("2026-11-25").unwrap();
    let warnings = catalog.warnings(today, 365);
    let text: Vec<String> = warnings.iter().map(|w| w.to_string()).collect();
    assert!(text.iter().any(|w| w.contains("`trans-lifeline` is stale: last verified 2025-04")), "{text:?}");
    assert!(!text.iter().any(|w| w.contains("`crisis-988` is stale")), "{text:?}");
    assert!(
        text.iter()
            .any(|w| w.contains("population `trans`: its only specific crisis option (trans-lifeline) is not 24/7"))
    );
    assert!(catalog.warnings(today, 10_000).iter().all(|w| !w.message.contains("stale")));
}
