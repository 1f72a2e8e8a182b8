//! The later checker sections, which check names against the items, option sets and scores
//! already read: scores, band schemes, the positive screen, flags, follow-ups, derived forms and
//! change over time.

use toml::Spanned;

use super::{Checker, InstrumentScope, RawInstrument, Reference, check_band_coverage, item_value_range, reference};
use crate::instrument::model::*;

/// What the later sections check names against.
pub(super) struct Known<'a> {
    pub(super) items: &'a [Item],
    pub(super) option_sets: &'a [OptionSet],
    pub(super) scores: &'a [Score],
    pub(super) score_names: Vec<String>,
}

impl<'a> Known<'a> {
    pub(super) fn new(items: &'a [Item], option_sets: &'a [OptionSet], scores: &'a [Score]) -> Self {
        Known { items, option_sets, scores, score_names: scores.iter().map(|s| s.id.clone()).collect() }
    }

    /// Every item and score, as flags and classifications see them (`positive` where the
    /// positive screen may be named).
    fn scope(&self, positive: bool) -> InstrumentScope<'_> {
        InstrumentScope {
            items: self.items,
            option_sets: self.option_sets,
            visible_items: self.items.len(),
            scores: &self.score_names,
            positive,
        }
    }

    /// The score named, or an error at the name.
    fn score(&self, c: &mut Checker<'_>, name: &Spanned<String>) -> Option<usize> {
        let found = self.scores.iter().position(|s| s.id == *name.get_ref());
        if found.is_none() {
            c.error(name.span(), format!("unknown score `{}`", name.get_ref()));
        }
        found
    }
}

/// The scores, each with the range its items' values give it.
pub(super) fn scores(
    c: &mut Checker<'_>,
    raw: &RawInstrument,
    items: &[Item],
    option_sets: &[OptionSet],
) -> Vec<Score> {
    // Scores.
    let mut scores: Vec<Score> = Vec::new();
    for score in &raw.scores {
        c.identifier(&score.id, "score id");
        if scores.iter().any(|s| s.id == *score.id.get_ref()) || items.iter().any(|i| i.id == *score.id.get_ref()) {
            c.error(
                score.id.span(),
                format!("duplicate id `{}` (scores and items share one namespace)", score.id.get_ref()),
            );
        }
        let kind = match score.kind.as_ref().map(|k| k.get_ref().as_str()) {
            None if score.id.get_ref() == "total" => ScoreKind::Total,
            None | Some("subscale") => ScoreKind::Subscale,
            Some("total") => ScoreKind::Total,
            Some("derived") => ScoreKind::Derived,
            Some(other) => {
                let span = score.kind.as_ref().map_or(score.id.span(), |k| k.span());
                c.error(span, format!("unknown score kind `{other}` (total, subscale or derived)"));
                ScoreKind::Subscale
            }
        };
        if kind == ScoreKind::Total && scores.iter().any(|s| s.kind == ScoreKind::Total) {
            c.error(score.id.span(), "an instrument has at most one total");
        }
        let mut indices = Vec::new();
        for item in score.items.get_ref() {
            match items.iter().position(|i| i.id == *item.get_ref()) {
                Some(i) if indices.contains(&i) => {
                    c.error(item.span(), format!("item `{}` is counted twice", item.get_ref()))
                }
                Some(i) if !items[i].scored => {
                    c.error(item.span(), format!("item `{}` is marked `scored = false`", item.get_ref()))
                }
                Some(i) => indices.push(i),
                None => {
                    c.error(item.span(), format!("unknown item `{}` in score `{}`", item.get_ref(), score.id.get_ref()))
                }
            }
        }
        if score.items.get_ref().is_empty() {
            c.error(score.items.span(), "a score needs at least one item");
        }
        let multiplier = score.multiplier.unwrap_or(1);
        let offset = score.offset.unwrap_or(0);
        let (low, high) = indices.iter().fold((0, 0), |(low, high), &i| {
            let (l, h) = item_value_range(&items[i], option_sets);
            (low + l, high + h)
        });
        let (a, b) = (low * multiplier + offset, high * multiplier + offset);
        let label = match &score.label {
            Some(label) => c.our_text(label, &format!("score `{}`", score.id.get_ref())),
            None => Text(Lang::ALL.iter().map(|l| (*l, score.id.get_ref().clone())).collect()),
        };
        scores.push(Score {
            id: score.id.get_ref().clone(),
            kind,
            items: indices,
            multiplier,
            offset,
            label,
            range: (a.min(b), a.max(b)),
        });
    }
    scores
}

/// The band schemes and which one is the default.
pub(super) fn band_schemes(
    c: &mut Checker<'_>,
    raw: &RawInstrument,
    known: &Known<'_>,
) -> (Vec<BandScheme>, Option<usize>) {
    let scores = known.scores;
    // Band schemes.
    let mut band_schemes = Vec::new();
    let mut default_scheme = None;
    for scheme in &raw.band_schemes {
        c.identifier(&scheme.id, "band scheme id");
        if band_schemes.iter().any(|s: &BandScheme| s.id == *scheme.id.get_ref()) {
            c.error(scheme.id.span(), format!("duplicate band scheme id `{}`", scheme.id.get_ref()));
        }
        if scheme.default {
            if default_scheme.is_some() {
                c.error(scheme.id.span(), "only one band scheme may be the default");
            }
            default_scheme = Some(band_schemes.len());
        }
        let label = match &scheme.label {
            Some(label) => c.our_text(label, &format!("band scheme `{}`", scheme.id.get_ref())),
            None => Text(Lang::ALL.iter().map(|l| (*l, scheme.id.get_ref().clone())).collect()),
        };
        let mut bands: Vec<Band> = Vec::new();
        let score = match (&scheme.score, &scheme.bands, &scheme.rules) {
            (Some(score_name), Some(raw_bands), None) => {
                let score = known.score(c, score_name);
                for band in raw_bands.get_ref() {
                    c.identifier(&band.id, "band id");
                    if bands.iter().any(|b| b.id == *band.id.get_ref()) {
                        c.error(band.id.span(), format!("duplicate band id `{}`", band.id.get_ref()));
                    }
                    if band.min.get_ref() > band.max.get_ref() {
                        c.error(
                            band.min.span(),
                            format!(
                                "band `{}` has min {} above max {}",
                                band.id.get_ref(),
                                band.min.get_ref(),
                                band.max.get_ref()
                            ),
                        );
                    }
                    let label = c.our_text(&band.label, &format!("band `{}`", band.id.get_ref()));
                    bands.push(Band {
                        id: band.id.get_ref().clone(),
                        label,
                        min: Some(*band.min.get_ref()),
                        max: Some(*band.max.get_ref()),
                        when: None,
                    });
                }
                if let Some(score) = score {
                    check_band_coverage(c, raw_bands, scores[score].range, scheme.id.get_ref());
                }
                score
            }
            (None, None, Some(rules)) => {
                for (index, rule) in rules.get_ref().iter().enumerate() {
                    c.identifier(&rule.id, "band id");
                    if bands.iter().any(|b| b.id == *rule.id.get_ref()) {
                        c.error(rule.id.span(), format!("duplicate band id `{}`", rule.id.get_ref()));
                    }
                    let when = c.condition(&rule.when, &known.scope(false));
                    if index + 1 == rules.get_ref().len() && rule.when.get_ref().trim() != "true" {
                        c.error(rule.when.span(), "the last rule of a classification must be `when = \"true\"` so every answer set has a band");
                    }
                    let label = c.our_text(&rule.label, &format!("band `{}`", rule.id.get_ref()));
                    bands.push(Band { id: rule.id.get_ref().clone(), label, min: None, max: None, when });
                }
                None
            }
            _ => {
                c.error(scheme.id.span(), "a band scheme needs either `score` with `bands`, or `rules`");
                None
            }
        };
        band_schemes.push(BandScheme { id: scheme.id.get_ref().clone(), label, score, bands });
    }
    if default_scheme.is_none()
        && let Some(first) = raw.band_schemes.first()
    {
        c.error(first.id.span(), "one band scheme must be marked `default = true`");
    }
    (band_schemes, default_scheme)
}

/// The positive screen: a cut-off on a score, or a condition.
pub(super) fn positive(c: &mut Checker<'_>, raw: &RawInstrument, known: &Known<'_>) -> Option<Positive> {
    let scores = known.scores;
    // Positive screen.
    raw.positive.as_ref().and_then(|positive| {
        let p = positive.get_ref();
        match (&p.score, &p.cutoff, &p.when) {
            (Some(score_name), Some(cutoff), None) => {
                let score = known.score(c, score_name)?;
                let (low, high) = scores[score].range;
                let in_range = |value: i64| (low..=high).contains(&value);
                if !in_range(*cutoff.get_ref()) {
                    c.error(
                        cutoff.span(),
                        format!("cut-off {} is outside the score's range {low} to {high}", cutoff.get_ref()),
                    );
                }
                let allowed = p.allowed_cutoffs.as_ref().map(|a| a.get_ref().clone()).unwrap_or_default();
                if let Some(raw_allowed) = &p.allowed_cutoffs
                    && (!allowed.contains(cutoff.get_ref()) || allowed.iter().any(|v| !in_range(*v)))
                {
                    c.error(
                        raw_allowed.span(),
                        "allowed_cutoffs must include `cutoff` and lie within the score's range",
                    );
                }
                let mut by_context = Vec::new();
                for rule in &p.by_context {
                    if !in_range(*rule.cutoff.get_ref()) {
                        c.error(
                            rule.cutoff.span(),
                            format!("cut-off {} is outside the score's range {low} to {high}", rule.cutoff.get_ref()),
                        );
                    }
                    if let Some(when) = c.condition(&rule.when, &known.scope(false)) {
                        by_context.push(ContextCutoff {
                            when,
                            when_text: rule.when.get_ref().clone(),
                            cutoff: *rule.cutoff.get_ref(),
                        });
                    }
                }
                Some(Positive::Cutoff { score, cutoff: *cutoff.get_ref(), allowed, by_context })
            }
            (None, None, Some(when)) => {
                if !p.by_context.is_empty() || p.allowed_cutoffs.is_some() {
                    c.error(positive.span(), "`by_context` and `allowed_cutoffs` apply only to a `cutoff`");
                }
                let expr = c.condition(when, &known.scope(false))?;
                Some(Positive::When { when: expr, text: when.get_ref().clone() })
            }
            _ => {
                c.error(positive.span(), "a positive screen needs either `score` with `cutoff`, or `when`");
                None
            }
        }
    })
}

/// The flags; a flag's follow-up is a reference checked across files.
pub(super) fn flags(
    c: &mut Checker<'_>,
    raw: &RawInstrument,
    known: &Known<'_>,
    references: &mut Vec<Reference>,
) -> Vec<Flag> {
    let items = known.items;
    let mut flags: Vec<Flag> = Vec::new();
    for flag in &raw.flags {
        c.identifier(&flag.id, "flag id");
        if flags.iter().any(|f| f.id == *flag.id.get_ref()) {
            c.error(flag.id.span(), format!("duplicate flag id `{}`", flag.id.get_ref()));
        }
        let severity = match flag.severity.get_ref().as_str() {
            "critical" => Severity::Critical,
            "urgent" => Severity::Urgent,
            "warning" => Severity::Warning,
            other => {
                c.error(flag.severity.span(), format!("unknown severity `{other}` (critical, urgent or warning)"));
                Severity::Warning
            }
        };
        let item = flag.item.as_ref().and_then(|item| {
            let found = items.iter().position(|i| i.id == *item.get_ref());
            if found.is_none() {
                c.error(item.span(), format!("unknown item `{}`", item.get_ref()));
            }
            found
        });
        if let Some(target) = &flag.follow_up {
            references.push(reference(c, target, "follow-up"));
        }
        let label = c.our_text(&flag.label, &format!("flag `{}`", flag.id.get_ref()));
        if let Some(when) = c.condition(&flag.when, &known.scope(true)) {
            flags.push(Flag {
                id: flag.id.get_ref().clone(),
                severity,
                when,
                when_text: flag.when.get_ref().clone(),
                item,
                follow_up: flag.follow_up.as_ref().map(|f| f.get_ref().clone()),
                label,
            });
        }
    }
    flags
}

/// The follow-up rules, each a reference checked across files.
pub(super) fn follow_ups(
    c: &mut Checker<'_>,
    raw: &RawInstrument,
    known: &Known<'_>,
    references: &mut Vec<Reference>,
) -> Vec<FollowUp> {
    let mut follow_ups = Vec::new();
    for follow_up in &raw.follow_ups {
        references.push(reference(c, &follow_up.instrument, "follow-up"));
        if let Some(when) = c.condition(&follow_up.when, &known.scope(true)) {
            follow_ups.push(FollowUp {
                when,
                when_text: follow_up.when.get_ref().clone(),
                instrument: follow_up.instrument.get_ref().clone(),
            });
        }
    }
    follow_ups
}

/// The derived short forms, each a reference checked across files.
pub(super) fn derived(
    c: &mut Checker<'_>,
    raw: &RawInstrument,
    known: &Known<'_>,
    references: &mut Vec<Reference>,
) -> Vec<Derived> {
    let items = known.items;
    let mut derived = Vec::new();
    for form in &raw.derived {
        let mut mapped = Vec::new();
        let mut reference = reference(c, &form.instrument, "derived form");
        reference.value_offset = form.value_offset;
        for (own, theirs) in form.items.get_ref() {
            match items.iter().position(|i| i.id == *own.get_ref()) {
                Some(index) => {
                    mapped.push((index, theirs.get_ref().clone()));
                    let location = c.at(theirs.span(), "");
                    reference.derived_items.push((index, theirs.get_ref().clone(), location));
                }
                None => c.error(own.span(), format!("unknown item `{}`", own.get_ref())),
            }
        }
        if mapped.is_empty() {
            c.error(form.items.span(), "a derived form maps at least one item");
        }
        references.push(reference);
        derived.push(Derived {
            instrument: form.instrument.get_ref().clone(),
            items: mapped,
            value_offset: form.value_offset,
        });
    }
    derived
}

/// Change over time on a score.
pub(super) fn change(c: &mut Checker<'_>, raw: &RawInstrument, known: &Known<'_>) -> Option<ChangeRule> {
    raw.change.as_ref().and_then(|change| {
        let score = known.score(c, &change.score)?;
        if *change.reliable_change.get_ref() <= 0 {
            c.error(change.reliable_change.span(), "reliable_change must be a positive number of points");
        }
        Some(ChangeRule {
            score,
            caseness: change.caseness,
            reliable_change: *change.reliable_change.get_ref(),
            higher_is_better: change.higher_is_better,
            source: change.source.clone(),
        })
    })
}
