//! One catalog entry as written, checked concern by concern and turned into a [`Resource`].
//! Each check reports every problem it finds where it is, in the order the entry's fields are
//! described in `resources/README.md`; an entry with any problem is left out.

use std::collections::BTreeSet;
use std::ops::Range;

use toml::Spanned;

use super::Report;
use super::audience::audience;
use super::doc::{NameDoc, ResourceDoc};
use super::model::{Audience, Coverage, Hours, Resource};
use crate::diagnostic::Diagnostic;
use crate::triage::date::Date;
use crate::triage::level::Level;
use crate::triage::vocab::{Province, Status};

/// What the checks read from an entry beyond its plain fields.
struct Checked {
    audience: Option<Audience>,
    coverage: Coverage,
    primary_for: Option<Coverage>,
    last_verified: Option<Date>,
}

/// Checks one entry (`span`: the whole entry) and returns it, or `None` after reporting every
/// problem in `problems`.
pub(super) fn validate(
    file: &str,
    source: &str,
    span: Range<usize>,
    mut doc: ResourceDoc,
    problems: &mut Vec<Diagnostic>,
) -> Option<Resource> {
    let before = problems.len();
    let mut err = |span: Range<usize>, message: String| {
        problems.push(Diagnostic::at_span(file, source, Some(span), message));
    };
    check_identity(&doc, &mut err);
    check_contacts(&doc, &span, &mut err);
    check_languages(&doc, &span, &mut err);
    check_service(&doc, &span, &mut err);
    let audience = check_eligibility(doc.audience.take(), &doc, &span, &mut err);
    let (coverage, primary_for) = check_coverage(&doc, &span, &mut err);
    check_levels(&doc, &mut err);
    let last_verified = check_verification(&doc, &span, &mut err);
    if problems.len() > before {
        return None;
    }
    let line = crate::diagnostic::line_column(source, span.start).0;
    resource(doc, Checked { audience, coverage, primary_for, last_verified }, file, line)
}

/// The id, the names and the hours.
fn check_identity(doc: &ResourceDoc, err: &mut Report<'_>) {
    let id = doc.id.get_ref();
    if !valid_id(id) {
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
}

/// The ways to reach it: web address, phone and text numbers.
fn check_contacts(doc: &ResourceDoc, span: &Range<usize>, err: &mut Report<'_>) {
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
}

/// The languages it is offered in: at least one, as ISO 639 codes.
fn check_languages(doc: &ResourceDoc, span: &Range<usize>, err: &mut Report<'_>) {
    if doc.languages.is_empty() {
        err(span.clone(), "`languages` must list at least one language".into());
    }
    for lang in &doc.languages {
        let l = lang.get_ref();
        if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
            err(lang.span(), format!("language `{l}` must be a lower-case ISO 639 code (en, fr, cr, iu...)"));
        }
    }
}

/// How it is delivered, what it answers and the ages it serves.
fn check_service(doc: &ResourceDoc, span: &Range<usize>, err: &mut Report<'_>) {
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
}

/// Who it is for: the fields `audience` replaced, `national_for`, and the audience itself
/// (`audience_doc`, taken out of `doc`). `None` for everyone, and when the audience is refused.
fn check_eligibility(
    audience_doc: Option<Spanned<super::doc::AudienceDoc>>,
    doc: &ResourceDoc,
    span: &Range<usize>,
    err: &mut Report<'_>,
) -> Option<Audience> {
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
    if audience_doc.is_none() && !doc.national_for.is_empty() {
        err(span.clone(), "`national_for` needs an `audience` naming those populations".into());
    }
    audience_doc.and_then(|a| audience(a, doc.max_age, &doc.national_for, err))
}

/// `national` or province codes as written in `coverage` or `primary_for` (`field`: how a
/// message names it, after the code): whether `national` is listed, and the provinces.
fn places(list: &[Spanned<String>], field: &str, err: &mut Report<'_>) -> (bool, Vec<Province>) {
    let mut provinces = Vec::new();
    let mut national = false;
    for c in list {
        if c.get_ref().eq_ignore_ascii_case("national") {
            national = true;
        } else if let Some(p) = Province::parse(c.get_ref()) {
            provinces.push(p);
        } else {
            err(c.span(), format!("{} (or `national`){field}", Province::unknown(c.get_ref())));
        }
    }
    (national, provinces)
}

/// Where it is offered, and where it is the crisis line to give first.
fn check_coverage(doc: &ResourceDoc, span: &Range<usize>, err: &mut Report<'_>) -> (Coverage, Option<Coverage>) {
    let (national, provinces) = places(&doc.coverage, "", err);
    let (primary_national, primary_provinces) = places(&doc.primary_for, " in `primary_for`", err);
    if !doc.primary_for.is_empty() && !doc.levels.get_ref().contains(&Level::Crisis) {
        err(span.clone(), "`primary_for` is only for crisis lines (levels must include \"crisis\")".into());
    }
    if doc.coverage.is_empty() {
        err(span.clone(), "`coverage` must be [\"national\"] or province codes".into());
    }
    if national && !provinces.is_empty() {
        err(span.clone(), "`coverage` is either [\"national\"] or province codes, not both".into());
    }
    let coverage = if national { Coverage::National } else { Coverage::Provinces(provinces) };
    let primary_for = if primary_national {
        Some(Coverage::National)
    } else if primary_provinces.is_empty() {
        None
    } else {
        Some(Coverage::Provinces(primary_provinces))
    };
    (coverage, primary_for)
}

/// The levels of care it offers: at least one, each once.
fn check_levels(doc: &ResourceDoc, err: &mut Report<'_>) {
    if doc.levels.get_ref().is_empty() {
        err(doc.levels.span(), "`levels` must not be empty".into());
    }
    let unique: BTreeSet<&str> = doc.levels.get_ref().iter().map(|l| l.as_str()).collect();
    if unique.len() != doc.levels.get_ref().len() {
        err(doc.levels.span(), "`levels` lists a level twice".into());
    }
}

/// Its status, when it was last verified and the sources it was verified from (the French
/// name's among them). Returns the date of the last verification when it reads as one.
fn check_verification(doc: &ResourceDoc, span: &Range<usize>, err: &mut Report<'_>) -> Option<Date> {
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
    check_french_name(&doc.name, doc.source.get_ref(), err);
    if doc.source.get_ref().is_empty() || doc.source.get_ref().iter().any(|s| s.trim().is_empty()) {
        err(doc.source.span(), "`source` must list the reference's source keys".into());
    }
    last_verified
}

/// The entry that passed every check, found at `file`:`line`.
fn resource(doc: ResourceDoc, checked: Checked, file: &str, line: usize) -> Option<Resource> {
    let hours = match doc.hours.get_ref().trim() {
        "24/7" => Hours::Always,
        "unverified" => Hours::Unverified,
        other => Hours::Times(other.to_string()),
    };
    Some(Resource {
        id: doc.id.into_inner(),
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
        audience: checked.audience,
        conditions: doc.conditions,
        coverage: checked.coverage,
        national_for: doc.national_for,
        needs_internet: doc.needs_internet,
        needs_smartphone: doc.needs_smartphone,
        delivered_by_phone: doc.delivered_by_phone,
        emergency: doc.emergency,
        primary_for: checked.primary_for,
        levels: doc.levels.into_inner(),
        exclusions: doc.exclusions,
        status: doc.status,
        status_note: doc.status_note.map(Spanned::into_inner),
        last_verified: checked.last_verified?,
        source: doc.source.into_inner(),
        notes: doc.notes,
        file: file.to_string(),
        line,
    })
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

/// Reports French text without a source: a `fr` name with no `fr_source`, a `fr_source` that
/// names nothing the entry cites, and a `fr_source` with no `fr` name.
fn check_french_name(name: &NameDoc, sources: &[String], err: &mut Report<'_>) {
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
