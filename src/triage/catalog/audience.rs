//! The `audience` of an entry: who it is for, refused when it can be read two ways.

use std::ops::Range;

use toml::Spanned;

use super::Report;
use super::doc::AudienceDoc;
use super::model::Audience;
use crate::triage::vocab::Population;

/// Checks an `audience` and refuses any rule that can be read two ways (see
/// `resources/README.md`): reported through `err`, and `None` when there is a problem.
pub(super) fn audience(
    doc: Spanned<AudienceDoc>,
    max_age: Option<u32>,
    national_for: &[Population],
    err: &mut Report<'_>,
) -> Option<Audience> {
    let span = doc.span();
    let doc = doc.into_inner();
    let mut ok = true;
    let mut fail = |span: Range<usize>, message: String| {
        ok = false;
        err(span, message);
    };
    let mut seen: Vec<Population> = Vec::new();
    let all_of = populations(doc.all_of, "all_of", &mut seen, &mut fail);
    let any_of = populations(doc.any_of, "any_of", &mut seen, &mut fail);
    if let Some(families_of) = &doc.families_of {
        check_families_of(families_of, !all_of.is_empty() || !any_of.is_empty(), &mut fail);
    }
    if all_of.is_empty() && any_of.is_empty() && doc.families_of.is_none() {
        fail(
            span.clone(),
            "`audience` names nobody: give `all_of`, `any_of` or `families_of`, or leave `audience` out for a service open to everyone".into(),
        );
    }
    let serves_everyone = doc.serves_everyone.as_ref().is_some_and(|s| *s.get_ref());
    if let Some(flag) = doc.serves_everyone.as_ref().filter(|s| *s.get_ref())
        && (!all_of.is_empty() || doc.families_of.is_some())
    {
        fail(
            flag.span(),
            "`serves_everyone` contradicts `all_of`/`families_of` (which restrict): list the groups it is designed for in `any_of`".into(),
        );
    }
    let result = Audience { all_of, any_of, families_of: doc.families_of.map(Spanned::into_inner), serves_everyone };
    check_against_entry(&result, &span, max_age, national_for, &mut fail);
    ok.then_some(result)
}

/// The populations of `audience.all_of` or `audience.any_of` (`name`), refusing an empty list
/// and a population already named in the audience (`seen`).
fn populations(
    field: Option<Spanned<Vec<Spanned<Population>>>>,
    name: &str,
    seen: &mut Vec<Population>,
    fail: &mut Report<'_>,
) -> Vec<Population> {
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
}

/// `audience.families_of`: alone (`with_lists`: `all_of` or `any_of` is given too), and a group
/// whose families are not themselves.
fn check_families_of(families_of: &Spanned<Population>, with_lists: bool, fail: &mut Report<'_>) {
    let group = *families_of.get_ref();
    if with_lists {
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

/// The audience against the rest of the entry: its `max_age` and `national_for`.
fn check_against_entry(
    audience: &Audience,
    span: &Range<usize>,
    max_age: Option<u32>,
    national_for: &[Population],
    fail: &mut Report<'_>,
) {
    if let Some(max) = max_age
        && max < 18
        && audience.admits_families()
    {
        fail(
            span.clone(),
            format!("`audience` admits families but `max_age` {max} leaves out every adult family member"),
        );
    }
    for p in national_for {
        if !audience.named().any(|n| n == *p) {
            fail(span.clone(), format!("`national_for` names `{p}`, which `audience` does not name"));
        }
    }
}
