//! The resource catalog (`resources/*.toml`; format in `resources/README.md`): loading and
//! validation from text (pure), and the checks behind `triage resources check`.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

use super::date::Date;
use super::level::Level;
use super::vocab::{Condition, Cost, Criterion, Modality, Population, Province, Status};
use crate::diagnostic::Diagnostic;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDoc {
    #[serde(default)]
    resources: Vec<Spanned<ResourceDoc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NameDoc {
    en: Spanned<String>,
    fr: Option<Spanned<String>>,
    /// Where the French name was seen (resources/README.md): one of the entry's `source`
    /// keys, an `https://` page, or `reference` (the entry's own `name_fr` line or heading in
    /// the reference the catalog is built from, which records French names only where a source
    /// gives them). Required with `fr`: a French name no source gives is not shipped.
    fr_source: Option<Spanned<String>>,
}

/// Reports French text without a source: a `fr` name with no `fr_source`, a `fr_source` that
/// names nothing the entry cites, and a `fr_source` with no `fr` name.
fn check_french_name(name: &NameDoc, sources: &[String], err: &mut impl FnMut(std::ops::Range<usize>, String)) {
    match (&name.fr, &name.fr_source) {
        (Some(fr), None) => err(
            fr.span(),
            format!(
                "French name `{}` has no source: give `fr_source` (a key of `source`, an https:// page, or `reference`), or leave `fr` out and the English name is shown",
                fr.get_ref()
            ),
        ),
        (Some(fr), Some(_)) if fr.get_ref() == name.en.get_ref() => err(
            fr.span(),
            "French name is the English name: leave `fr` (and `fr_source`) out, the English name is shown".into(),
        ),
        (Some(_), Some(from)) => {
            let from_text = from.get_ref().trim();
            let cited =
                from_text == "reference" || from_text.starts_with("https://") || sources.iter().any(|s| s == from_text);
            if !cited {
                err(
                    from.span(),
                    format!(
                        "`fr_source` `{from_text}` is not one of this entry's `source` keys, an https:// page or `reference`"
                    ),
                );
            }
        }
        (None, Some(from)) => err(from.span(), "`fr_source` without a French name `fr`".into()),
        (None, None) => {}
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceDoc {
    id: Spanned<String>,
    name: NameDoc,
    organisation: Spanned<String>,
    url: Option<Spanned<String>>,
    #[serde(default)]
    phone: Vec<Spanned<String>>,
    phone_note: Option<String>,
    #[serde(default)]
    text: Vec<Spanned<String>>,
    text_keyword: Option<String>,
    hours: Spanned<String>,
    languages: Vec<Spanned<String>>,
    cost: Cost,
    modality: Vec<Modality>,
    min_age: Option<u32>,
    max_age: Option<u32>,
    audience: Option<Spanned<AudienceDoc>>,
    /// Replaced by `audience`; read only to say so where it is.
    populations: Option<Spanned<toml::Value>>,
    /// Replaced by `audience`; read only to say so where it is.
    only_for_populations: Option<Spanned<toml::Value>>,
    conditions: Vec<Condition>,
    coverage: Vec<Spanned<String>>,
    #[serde(default)]
    national_for: Vec<Population>,
    needs_internet: bool,
    needs_smartphone: bool,
    #[serde(default)]
    delivered_by_phone: bool,
    #[serde(default)]
    emergency: bool,
    #[serde(default)]
    primary_for: Vec<Spanned<String>>,
    levels: Spanned<Vec<Level>>,
    #[serde(default)]
    exclusions: Vec<Criterion>,
    status: Status,
    status_note: Option<Spanned<String>>,
    last_verified: Spanned<String>,
    source: Spanned<Vec<String>>,
    notes: Option<String>,
}

/// `audience = { ... }` as written; see `resources/README.md`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AudienceDoc {
    all_of: Option<Spanned<Vec<Spanned<Population>>>>,
    any_of: Option<Spanned<Vec<Spanned<Population>>>>,
    families_of: Option<Spanned<Population>>,
    serves_everyone: Option<Spanned<bool>>,
}

/// Who a population-specific resource is for. A resource without one is for everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audience {
    /// The client belongs to every one of these ("Indigenous women": indigenous and women)...
    pub all_of: Vec<Population>,
    /// ...and, when not empty, to at least one of these.
    pub any_of: Vec<Population>,
    /// "For veterans, including their families": the client declares veterans (a family member
    /// declares veterans and families); `families` alone never qualifies.
    pub families_of: Option<Population>,
    /// Designed for the groups above but open to anyone: only then may a client outside them
    /// be offered it.
    pub serves_everyone: bool,
}

impl Audience {
    /// Whether a client with these populations belongs to the audience.
    pub fn includes(&self, populations: &[Population]) -> bool {
        self.all_of.iter().all(|p| populations.contains(p))
            && (self.any_of.is_empty() || self.any_of.iter().any(|p| populations.contains(p)))
            && self.families_of.is_none_or(|p| populations.contains(&p))
    }

    /// Every population the audience names.
    pub fn named(&self) -> impl Iterator<Item = Population> + '_ {
        self.all_of.iter().chain(&self.any_of).copied().chain(self.families_of)
    }

    /// Whether family members can be in it (through `families_of` or a listed `families`).
    pub fn admits_families(&self) -> bool {
        self.families_of.is_some() || self.named().any(|p| p == Population::Families)
    }
}

/// Opening hours as the source states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hours {
    /// Around the clock, every day.
    Always,
    /// Limited hours, as text ("Mon–Fri 10:00–18:00 PT").
    Times(String),
    /// The source does not confirm the hours; never treated as 24/7.
    Unverified,
}

impl Hours {
    pub fn is_24_7(&self) -> bool {
        matches!(self, Hours::Always)
    }

    pub fn text(&self) -> &str {
        match self {
            Hours::Always => "24/7",
            Hours::Times(t) => t,
            Hours::Unverified => "hours not verified",
        }
    }
}

/// Where a service is available.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Coverage {
    National,
    Provinces(Vec<Province>),
}

/// One validated catalog entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub id: String,
    pub name_en: String,
    pub name_fr: Option<String>,
    pub organisation: String,
    pub url: Option<String>,
    pub phone: Vec<String>,
    pub phone_note: Option<String>,
    pub text: Vec<String>,
    pub text_keyword: Option<String>,
    pub hours: Hours,
    pub languages: Vec<String>,
    pub cost: Cost,
    pub modality: Vec<Modality>,
    pub min_age: Option<u32>,
    pub max_age: Option<u32>,
    /// Who it is for; `None`: everyone.
    pub audience: Option<Audience>,
    pub conditions: Vec<Condition>,
    pub coverage: Coverage,
    pub national_for: Vec<Population>,
    pub needs_internet: bool,
    pub needs_smartphone: bool,
    pub delivered_by_phone: bool,
    /// Emergency services (9-1-1): first for acute risk.
    pub emergency: bool,
    /// Where this is THE crisis line to give first (`national`, or provinces where it replaces it).
    pub primary_for: Option<Coverage>,
    pub levels: Vec<Level>,
    pub exclusions: Vec<Criterion>,
    pub status: Status,
    pub status_note: Option<String>,
    pub last_verified: Date,
    pub source: Vec<String>,
    pub notes: Option<String>,
    /// Where the entry is, for messages.
    pub file: String,
    pub line: usize,
}

impl Resource {
    /// The name in the client's language, falling back to English.
    pub fn name(&self, lang: super::vocab::Lang) -> &str {
        match (lang, &self.name_fr) {
            (super::vocab::Lang::Fr, Some(fr)) => fr,
            _ => &self.name_en,
        }
    }

    pub fn speaks(&self, lang: super::vocab::Lang) -> bool {
        self.languages.iter().any(|l| l == lang.as_str())
    }

    pub fn is_crisis(&self) -> bool {
        self.levels.contains(&Level::Crisis)
    }

    /// Can be reached by a voice call, or is delivered by phone.
    pub fn reachable_by_phone(&self) -> bool {
        !self.phone.is_empty() || self.delivered_by_phone
    }

    pub fn covers(&self, province: Province, populations: &[Population]) -> bool {
        match &self.coverage {
            Coverage::National => true,
            Coverage::Provinces(list) => {
                list.contains(&province) || self.national_for.iter().any(|p| populations.contains(p))
            }
        }
    }

    /// Where it is offered, for people ("national", "BC, ON").
    pub fn coverage_text(&self) -> String {
        match &self.coverage {
            Coverage::National => "national".to_string(),
            // One string, not one per province: this runs for every entry a client is outside.
            Coverage::Provinces(list) => {
                let mut text = String::with_capacity(list.len() * 4);
                for (n, province) in list.iter().enumerate() {
                    if n > 0 {
                        text.push_str(", ");
                    }
                    text.extend(province.as_str().chars().map(|c| c.to_ascii_uppercase()));
                }
                text
            }
        }
    }

    /// Whether it may be offered to a client with these populations: open to everyone, or the
    /// client is in its audience.
    pub fn is_open_to(&self, populations: &[Population]) -> bool {
        self.audience.as_ref().is_none_or(|a| a.serves_everyone || a.includes(populations))
    }

    /// Whether it is designed for a group the client belongs to.
    pub fn is_designed_for(&self, populations: &[Population]) -> bool {
        self.audience.as_ref().is_some_and(|a| a.includes(populations))
    }

    /// Whether only its audience may be offered it.
    pub fn is_restricted(&self) -> bool {
        self.audience.as_ref().is_some_and(|a| !a.serves_everyone)
    }

    /// Only active entries may ever be shown to clients.
    pub fn is_offerable(&self) -> bool {
        self.status == Status::Active
    }
}

/// All loaded entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub resources: Vec<Resource>,
}

impl Catalog {
    /// Builds a catalog from files given as (name, text). Bad entries are left out and reported;
    /// a file that is not valid TOML (or has an unknown key) is left out entirely.
    pub fn from_sources<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Catalog, Vec<Diagnostic>) {
        let mut catalog = Catalog::default();
        let mut problems = Vec::new();
        let mut seen: BTreeMap<String, (String, usize)> = BTreeMap::new();
        for (file, source) in files {
            let doc: FileDoc = match toml::from_str(source) {
                Ok(doc) => doc,
                Err(e) => {
                    problems.push(Diagnostic::from_toml(file, source, &e));
                    continue;
                }
            };
            for entry in doc.resources {
                let span = entry.span();
                let entry = entry.into_inner();
                let id_span = entry.id.span();
                match validate(file, source, span, entry, &mut problems) {
                    Some(resource) => {
                        if let Some((first_file, first_line)) = seen.get(&resource.id) {
                            problems.push(Diagnostic::at_span(
                                file,
                                source,
                                Some(id_span),
                                format!("duplicate id `{}` (first defined at {first_file}:{first_line})", resource.id),
                            ));
                        } else {
                            seen.insert(resource.id.clone(), (resource.file.clone(), resource.line));
                            catalog.resources.push(resource);
                        }
                    }
                    None => continue,
                }
            }
        }
        (catalog, problems)
    }

    pub fn get(&self, id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.id == id)
    }

    /// The checks of `triage resources check` beyond validation: entries not verified within
    /// `stale_days` of `today`, populations and provinces whose only specific crisis options are
    /// not 24/7, and active entries with no way to reach them.
    pub fn warnings(&self, today: Date, stale_days: u32) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let at = |r: &Resource, message: String| Diagnostic { file: r.file.clone(), line: r.line, column: 1, message };
        for r in &self.resources {
            if r.status == Status::Defunct {
                continue;
            }
            let age = r.last_verified.days_until(today);
            if age > i64::from(stale_days) {
                out.push(at(
                    r,
                    format!(
                        "`{}` is stale: last verified {} ({age} days ago; limit {stale_days})",
                        r.id, r.last_verified
                    ),
                ));
            } else if age < 0 {
                out.push(at(r, format!("`{}` was last verified {} which is after today", r.id, r.last_verified)));
            }
            if r.status == Status::Active && r.phone.is_empty() && r.text.is_empty() && r.url.is_none() {
                out.push(at(r, format!("`{}` is active but lists no phone, text number or URL", r.id)));
            }
        }

        let active_crisis: Vec<&Resource> =
            self.resources.iter().filter(|r| r.is_offerable() && r.is_crisis()).collect();
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
        out
    }
}

/// Whether a phone number is written in a dialable Canadian format: `9-1-1`/`911`-style
/// three-digit service codes, `310-XXXX` (BC, no area code), `NXX-NXX-XXXX` or `1-NXX-NXX-XXXX`.
pub fn valid_phone(number: &str) -> bool {
    let groups: Vec<&str> = number.split('-').collect();
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let nxx = |s: &str| digits(s, 3) && !s.starts_with(['0', '1']);
    match groups.as_slice() {
        [code] => digits(code, 3) && (code.ends_with("11") || *code == "988"),
        [a, b, c] if a.len() == 1 => digits(a, 1) && digits(b, 1) && digits(c, 1) && *b == "1" && *c == "1",
        ["310", line] => digits(line, 4),
        [area, exchange, line] => nxx(area) && nxx(exchange) && digits(line, 4),
        ["1", area, exchange, line] => nxx(area) && digits(exchange, 3) && digits(line, 4),
        _ => false,
    }
}

/// Whether a text (SMS) number is a short code (3 to 6 digits) or a phone number.
pub fn valid_text_number(number: &str) -> bool {
    (number.len() >= 3 && number.len() <= 6 && number.bytes().all(|b| b.is_ascii_digit())) || valid_phone(number)
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Checks an `audience` and refuses any rule that can be read two ways (see
/// `resources/README.md`): reported through `err`, and `None` when there is a problem.
fn audience(
    doc: Spanned<AudienceDoc>,
    max_age: Option<u32>,
    national_for: &[Population],
    err: &mut dyn FnMut(Range<usize>, String),
) -> Option<Audience> {
    let span = doc.span();
    let doc = doc.into_inner();
    let mut ok = true;
    let mut fail = |span: Range<usize>, message: String| {
        ok = false;
        err(span, message);
    };
    let mut seen: Vec<Population> = Vec::new();
    let mut list = |field: Option<Spanned<Vec<Spanned<Population>>>>,
                    name: &str,
                    fail: &mut dyn FnMut(Range<usize>, String)| {
        let Some(field) = field else { return Vec::new() };
        if field.get_ref().is_empty() {
            fail(field.span(), format!("`audience.{name}` is empty: list the populations or leave it out"));
        }
        let mut out = Vec::new();
        for p in field.into_inner() {
            let population = *p.get_ref();
            if seen.contains(&population) {
                fail(
                    p.span(),
                    format!(
                        "`{population}` is named twice in `audience`: ambiguous whether it is required or one choice among others"
                    ),
                );
            }
            seen.push(population);
            out.push(population);
        }
        out
    };
    let all_of = list(doc.all_of, "all_of", &mut fail);
    let any_of = list(doc.any_of, "any_of", &mut fail);
    let serves_everyone = doc.serves_everyone.as_ref().is_some_and(|s| *s.get_ref());
    if let Some(families_of) = &doc.families_of {
        let group = *families_of.get_ref();
        if !all_of.is_empty() || !any_of.is_empty() {
            fail(
                families_of.span(),
                "`audience.families_of` stands alone: with `all_of` or `any_of` it is ambiguous whose families qualify"
                    .into(),
            );
        }
        if group == Population::Families {
            fail(
                families_of.span(),
                "`families_of = \"families\"` says nothing: name the group whose families qualify".into(),
            );
        }
        if group == Population::Youth {
            fail(
                families_of.span(),
                "a young person's family member is not youth themselves: use any_of = [\"youth\", \"families\"]".into(),
            );
        }
    }
    if all_of.is_empty() && any_of.is_empty() && doc.families_of.is_none() {
        fail(
            span.clone(),
            "`audience` names nobody: give `all_of`, `any_of` or `families_of`, or leave `audience` out for a service open to everyone".into(),
        );
    }
    if let Some(flag) = doc.serves_everyone.as_ref().filter(|s| *s.get_ref())
        && (!all_of.is_empty() || doc.families_of.is_some())
    {
        fail(
            flag.span(),
            "`serves_everyone` contradicts `all_of`/`families_of` (which restrict): list the groups it is designed for in `any_of`".into(),
        );
    }
    let result = Audience { all_of, any_of, families_of: doc.families_of.map(Spanned::into_inner), serves_everyone };
    if let Some(max) = max_age
        && max < 18
        && result.admits_families()
    {
        fail(
            span.clone(),
            format!("`audience` admits families but `max_age` {max} leaves out every adult family member"),
        );
    }
    for p in national_for {
        if !result.named().any(|n| n == *p) {
            fail(span.clone(), format!("`national_for` names `{p}`, which `audience` does not name"));
        }
    }
    ok.then_some(result)
}

fn validate(
    file: &str,
    source: &str,
    span: Range<usize>,
    doc: ResourceDoc,
    problems: &mut Vec<Diagnostic>,
) -> Option<Resource> {
    let before = problems.len();
    let mut err = |span: Range<usize>, message: String| {
        problems.push(Diagnostic::at_span(file, source, Some(span), message));
    };
    let id = doc.id.get_ref().clone();
    if !valid_id(&id) {
        err(doc.id.span(), format!("id `{id}` must be lower-case letters, digits and dashes"));
    }
    for (value, what) in [(&doc.name.en, "name.en"), (&doc.organisation, "organisation"), (&doc.hours, "hours")] {
        if value.get_ref().trim().is_empty() {
            err(value.span(), format!("`{what}` must not be empty"));
        }
    }
    if let Some(fr) = &doc.name.fr
        && fr.get_ref().trim().is_empty()
    {
        err(fr.span(), "`name.fr` must not be empty (leave it out when unknown)".into());
    }
    if let Some(url) = &doc.url {
        let u = url.get_ref();
        if !(u.starts_with("https://") || u.starts_with("http://")) || u.contains(char::is_whitespace) || u.len() < 12 {
            err(url.span(), format!("`{u}` is not a web address (http:// or https://, no spaces)"));
        }
    }
    for number in &doc.phone {
        if !valid_phone(number.get_ref()) {
            err(
                number.span(),
                format!(
                    "phone `{}` is not a Canadian number format (e.g. 1-800-668-6868, 604-255-7999, 988, 9-1-1, 310-6789)",
                    number.get_ref()
                ),
            );
        }
    }
    for number in &doc.text {
        if !valid_text_number(number.get_ref()) {
            err(
                number.span(),
                format!("text number `{}` is neither a short code (e.g. 686868) nor a phone number", number.get_ref()),
            );
        }
    }
    if doc.text_keyword.is_some() && doc.text.is_empty() {
        err(span.clone(), "`text_keyword` without a `text` number".into());
    }
    if doc.languages.is_empty() {
        err(span.clone(), "`languages` must list at least one language".into());
    }
    for lang in &doc.languages {
        let l = lang.get_ref();
        if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
            err(lang.span(), format!("language `{l}` must be a lower-case ISO 639 code (en, fr, cr, iu...)"));
        }
    }
    if doc.modality.is_empty() {
        err(span.clone(), "`modality` must not be empty".into());
    }
    if doc.conditions.is_empty() {
        err(span.clone(), "`conditions` must not be empty".into());
    }
    if let (Some(min), Some(max)) = (doc.min_age, doc.max_age)
        && min > max
    {
        err(span.clone(), format!("`min_age` {min} is above `max_age` {max}"));
    }
    for (old, what) in [(&doc.populations, "populations"), (&doc.only_for_populations, "only_for_populations")] {
        if let Some(old) = old {
            err(
                old.span(),
                format!(
                    "`{what}` is replaced by `audience` (resources/README.md): say who the resource is for, e.g. audience = {{ all_of = [\"indigenous\", \"women\"] }}"
                ),
            );
        }
    }
    if doc.audience.is_none() && !doc.national_for.is_empty() {
        err(span.clone(), "`national_for` needs an `audience` naming those populations".into());
    }
    let audience = doc.audience.map(|a| audience(a, doc.max_age, &doc.national_for, &mut err));
    let mut provinces = Vec::new();
    let mut national = false;
    for c in &doc.coverage {
        if c.get_ref().eq_ignore_ascii_case("national") {
            national = true;
        } else if let Some(p) = Province::parse(c.get_ref()) {
            provinces.push(p);
        } else {
            err(c.span(), format!("{} (or `national`)", Province::unknown(c.get_ref())));
        }
    }
    let mut primary_provinces = Vec::new();
    let mut primary_national = false;
    for c in &doc.primary_for {
        if c.get_ref().eq_ignore_ascii_case("national") {
            primary_national = true;
        } else if let Some(p) = Province::parse(c.get_ref()) {
            primary_provinces.push(p);
        } else {
            err(c.span(), format!("{} (or `national`) in `primary_for`", Province::unknown(c.get_ref())));
        }
    }
    if !doc.primary_for.is_empty() && !doc.levels.get_ref().contains(&Level::Crisis) {
        err(span.clone(), "`primary_for` is only for crisis lines (levels must include \"crisis\")".into());
    }
    if doc.coverage.is_empty() {
        err(span.clone(), "`coverage` must be [\"national\"] or province codes".into());
    }
    if national && !provinces.is_empty() {
        err(span.clone(), "`coverage` is either [\"national\"] or province codes, not both".into());
    }
    if doc.levels.get_ref().is_empty() {
        err(doc.levels.span(), "`levels` must not be empty".into());
    }
    let unique: BTreeSet<&str> = doc.levels.get_ref().iter().map(|l| l.as_str()).collect();
    if unique.len() != doc.levels.get_ref().len() {
        err(doc.levels.span(), "`levels` lists a level twice".into());
    }
    if doc.status != Status::Active && doc.status_note.is_none() {
        err(span.clone(), format!("a {} entry needs `status_note` saying why", doc.status));
    }
    let last_verified = Date::parse(doc.last_verified.get_ref());
    if last_verified.is_none() {
        err(
            doc.last_verified.span(),
            format!("`last_verified` `{}` is not a date (YYYY-MM-DD or YYYY-MM)", doc.last_verified.get_ref()),
        );
    }
    check_french_name(&doc.name, doc.source.get_ref(), &mut err);
    if doc.source.get_ref().is_empty() || doc.source.get_ref().iter().any(|s| s.trim().is_empty()) {
        err(doc.source.span(), "`source` must list the reference's source keys".into());
    }
    let hours = match doc.hours.get_ref().trim() {
        "24/7" => Hours::Always,
        "unverified" => Hours::Unverified,
        other => Hours::Times(other.to_string()),
    };
    if problems.len() > before {
        return None;
    }
    let line = crate::diagnostic::line_column(source, span.start).0;
    Some(Resource {
        id,
        name_en: doc.name.en.into_inner(),
        name_fr: doc.name.fr.map(Spanned::into_inner),
        organisation: doc.organisation.into_inner(),
        url: doc.url.map(Spanned::into_inner),
        phone: doc.phone.into_iter().map(Spanned::into_inner).collect(),
        phone_note: doc.phone_note,
        text: doc.text.into_iter().map(Spanned::into_inner).collect(),
        text_keyword: doc.text_keyword,
        hours,
        languages: doc.languages.into_iter().map(Spanned::into_inner).collect(),
        cost: doc.cost,
        modality: doc.modality,
        min_age: doc.min_age,
        max_age: doc.max_age,
        audience: audience.flatten(),
        conditions: doc.conditions,
        coverage: if national { Coverage::National } else { Coverage::Provinces(provinces) },
        national_for: doc.national_for,
        needs_internet: doc.needs_internet,
        needs_smartphone: doc.needs_smartphone,
        delivered_by_phone: doc.delivered_by_phone,
        emergency: doc.emergency,
        primary_for: if primary_national {
            Some(Coverage::National)
        } else if primary_provinces.is_empty() {
            None
        } else {
            Some(Coverage::Provinces(primary_provinces))
        },
        levels: doc.levels.into_inner(),
        exclusions: doc.exclusions,
        status: doc.status,
        status_note: doc.status_note.map(Spanned::into_inner),
        last_verified: last_verified?,
        source: doc.source.into_inner(),
        notes: doc.notes,
        file: file.to_string(),
        line,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

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
        let (catalog, problems) =
            load(&named(r#"name = { en = "9-8-8", fr = "9-8-8 : Ligne", fr_source = "reference" }"#));
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
        for bad in
            ["", "12", "1-800-APPELLE", "800-668-6868x", "(604) 255-7999", "1-800-668-686", "123-456-7890", "9-1-2"]
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
            (
                r#"audience = { families_of = "veterans", all_of = ["women"] }"#,
                28,
                "`audience.families_of` stands alone",
            ),
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
        assert!(text.iter().any(|w| w.contains("population `trans`: its only specific crisis option (trans-lifeline) is not 24/7")));
        assert!(catalog.warnings(today, 10_000).iter().all(|w| !w.message.contains("stale")));
    }
}

/// The catalog files shipped with triage, embedded at build time so the binary works from any
/// directory: (path relative to the crate, text). A test checks this list matches `resources/`.
pub const SHIPPED: &[(&str, &str)] = &[
    ("resources/crisis.toml", include_str!("../../resources/crisis.toml")),
    ("resources/population.toml", include_str!("../../resources/population.toml")),
    ("resources/provincial.toml", include_str!("../../resources/provincial.toml")),
    ("resources/digital.toml", include_str!("../../resources/digital.toml")),
    ("resources/substance.toml", include_str!("../../resources/substance.toml")),
    ("resources/information.toml", include_str!("../../resources/information.toml")),
    ("resources/defunct.toml", include_str!("../../resources/defunct.toml")),
];

/// The shipped rules file, embedded at build time: (path relative to the crate, text).
pub const SHIPPED_RULES: (&str, &str) =
    ("questionnaires/triage-rules.toml", include_str!("../../questionnaires/triage-rules.toml"));

#[cfg(test)]
mod shipped_tests {
    use super::*;
    use crate::triage::vocab::Status;

    #[test]
    fn the_embedded_list_is_every_file_in_resources() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/resources");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| format!("resources/{}", e.unwrap().file_name().to_string_lossy()))
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = SHIPPED.iter().map(|(n, _)| n.to_string()).collect();
        embedded.sort();
        assert_eq!(on_disk, embedded);
    }

    #[test]
    fn the_shipped_catalog_is_valid_and_keeps_defunct_and_unverified_entries() {
        let (catalog, problems) = Catalog::from_sources(SHIPPED.iter().copied());
        assert!(problems.is_empty(), "{}", problems.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n"));
        for id in ["emergency-911", "crisis-988", "qc-suicide", "khp", "hope-for-wellness", "vac-assistance"] {
            assert_eq!(catalog.get(id).map(|r| r.status), Some(Status::Active), "{id}");
        }
        for id in ["wellness-together-canada", "pocketwell", "talk-suicide-canada", "yukon-distress-line"] {
            assert_eq!(catalog.get(id).map(|r| r.status), Some(Status::Defunct), "{id}");
        }
        for id in ["mindshift-cbt", "interligne", "nb-chimo", "nu-kamatsiaqtut"] {
            assert_eq!(catalog.get(id).map(|r| r.status), Some(Status::Unverified), "{id}");
        }
        let qc = catalog.get("qc-suicide").unwrap();
        assert_eq!(qc.phone, vec!["1-866-277-3553"]);
        assert!(qc.text.contains(&"535353".to_string()));
        assert!(!catalog.get("trans-lifeline").unwrap().hours.is_24_7());
    }

    #[test]
    fn check_lists_stale_entries_and_the_part_time_population_line() {
        let (catalog, _) = Catalog::from_sources(SHIPPED.iter().copied());
        let today = Date::parse("2026-11-25").unwrap();
        let warnings: Vec<String> = catalog.warnings(today, 365).iter().map(|w| w.message.clone()).collect();
        assert!(warnings.iter().any(|w| w.starts_with("`good2talk` is stale")));
        assert!(!warnings.iter().any(|w| w.starts_with("`wellness-together-canada` is stale")));
        assert!(warnings.iter().any(|w| w.starts_with("population `trans`")), "{warnings:?}");
        assert!(
            warnings.iter().any(|w| w.starts_with("NL: its only provincial crisis line (nl-crisis)")),
            "{warnings:?}"
        );
    }
}
