//! The first checker sections: the languages a file offers, its option sets and its items, and
//! the items' skip conditions.

use super::{Checker, InstrumentScope, RawInstrument};
use crate::instrument::model::*;

/// The languages the file offers, and what it must say about the ones it does not.
pub(super) fn languages(c: &mut Checker<'_>, raw: &RawInstrument) -> Vec<Lang> {
    let mut languages = Vec::new();
    for lang in raw.languages.get_ref() {
        match Lang::parse(lang.get_ref()) {
            Some(l) if languages.contains(&l) => {
                c.error(lang.span(), format!("language `{}` is listed twice", lang.get_ref()))
            }
            Some(l) => languages.push(l),
            None => c.error(lang.span(), format!("unknown language `{}` (use en or fr)", lang.get_ref())),
        }
    }
    if languages.is_empty() {
        c.error(raw.languages.span(), "an instrument needs at least one language");
        languages.push(Lang::En);
    }
    if !languages.contains(&Lang::Fr) && raw.language_note.is_none() {
        c.error(raw.languages.span(), "an instrument offered without French must say why in `language_note`");
    }
    match &raw.source.french_text_provenance {
        None if languages.contains(&Lang::Fr) => c.error(
            raw.languages.span(),
            "an instrument offered in French must cite its French text in `source.french_text_provenance`",
        ),
        Some(provenance) if !languages.contains(&Lang::Fr) => c.error(
            provenance.span(),
            "`source.french_text_provenance` is given but `fr` is not in this file's `languages`",
        ),
        _ => {}
    }
    languages
}

/// The option sets, each option checked in the languages of the items that ask it.
pub(super) fn option_sets(c: &mut Checker<'_>, raw: &RawInstrument, languages: &[Lang]) -> Vec<OptionSet> {
    // Option sets.
    let mut option_sets = Vec::new();
    for set in &raw.option_sets {
        c.identifier(&set.id, "option set id");
        if option_sets.iter().any(|s: &OptionSet| s.id == *set.id.get_ref()) {
            c.error(set.id.span(), format!("duplicate option set id `{}`", set.id.get_ref()));
        }
        if set.options.get_ref().is_empty() {
            c.error(set.options.span(), format!("option set `{}` has no options", set.id.get_ref()));
        }
        // Options asked only by English-only items are English only too.
        let mut users = raw.items.iter().filter(|item| item.options.get_ref() == set.id.get_ref()).peekable();
        let english_only_set =
            users.peek().is_some() && users.all(|item| item.english_only.as_ref().is_some_and(|e| *e.get_ref()));
        let set_languages: &[Lang] = if english_only_set { &[Lang::En] } else { languages };
        let mut options: Vec<AnswerOption> = Vec::new();
        for option in set.options.get_ref() {
            c.identifier(&option.code, "option code");
            if options.iter().any(|o| o.code == *option.code.get_ref()) {
                c.error(option.code.span(), format!("duplicate option code `{}`", option.code.get_ref()));
            }
            if options.iter().any(|o| o.value == *option.value.get_ref()) {
                c.error(
                    option.value.span(),
                    format!(
                        "two options of `{}` share the value {}: a scored value must identify its option",
                        set.id.get_ref(),
                        option.value.get_ref()
                    ),
                );
            }
            let text = c.text(&option.text, set_languages, &format!("option `{}`", option.code.get_ref()));
            options.push(AnswerOption {
                code: option.code.get_ref().clone(),
                value: *option.value.get_ref(),
                text,
                loinc: option.loinc.clone(),
                keys: option.keys.clone(),
            });
        }
        option_sets.push(OptionSet { id: set.id.get_ref().clone(), options });
    }
    option_sets
}

/// The items (their conditions are resolved by [`conditions`] once every item is known).
pub(super) fn items(
    c: &mut Checker<'_>,
    raw: &RawInstrument,
    languages: &[Lang],
    option_sets: &[OptionSet],
) -> Vec<Item> {
    // Items (conditions are resolved after every item is known).
    let mut items: Vec<Item> = Vec::new();
    for item in &raw.items {
        c.identifier(&item.id, "item id");
        if items.iter().any(|i| i.id == *item.id.get_ref()) {
            c.error(item.id.span(), format!("duplicate item id `{}`", item.id.get_ref()));
        }
        let option_set = option_sets.iter().position(|s| s.id == *item.options.get_ref()).unwrap_or_else(|| {
            c.error(item.options.span(), format!("unknown option set `{}`", item.options.get_ref()));
            usize::MAX
        });
        let english_only = item.english_only.as_ref().is_some_and(|e| *e.get_ref());
        if let Some(flag) = item.english_only.as_ref().filter(|e| *e.get_ref())
            && (item.required.unwrap_or(true) || item.scored.unwrap_or(true))
        {
            c.error(
                flag.span(),
                format!(
                    "item `{}` is English only, which only an optional unscored item may be (set `required = false` and `scored = false`)",
                    item.id.get_ref()
                ),
            );
        }
        let item_languages: &[Lang] = if english_only { &[Lang::En] } else { languages };
        let text = c.text(&item.text, item_languages, &format!("item `{}`", item.id.get_ref()));
        let instructions = item
            .instructions
            .as_ref()
            .map(|t| c.text(t, item_languages, &format!("item `{}` instructions", item.id.get_ref())));
        // Our own interface text is always in both languages, whatever the instrument offers.
        let hint = item.hint.as_ref().map(|t| c.our_text(t, &format!("item `{}` hint", item.id.get_ref())));
        items.push(Item {
            id: item.id.get_ref().clone(),
            text,
            option_set,
            loinc: item.loinc.clone(),
            required: item.required.unwrap_or(true),
            scored: item.scored.unwrap_or(true),
            enable_when: None,
            enable_when_text: item.enable_when.as_ref().map(|w| w.get_ref().clone()),
            if_skipped: item.if_skipped.as_ref().map(|v| *v.get_ref()),
            use_stem: item.use_stem.unwrap_or(true),
            suicide_question: item.suicide_question,
            english_only,
            instructions,
            hint,
        });
    }
    items
}

/// Each item's `enable_when`, which may name only the items before it.
pub(super) fn conditions(c: &mut Checker<'_>, raw: &RawInstrument, items: &mut [Item], option_sets: &[OptionSet]) {
    for (index, raw_item) in raw.items.iter().enumerate() {
        if let Some(when) = &raw_item.enable_when {
            let scope = InstrumentScope { items, option_sets, visible_items: index, scores: &[], positive: false };
            let parsed = c.condition(when, &scope);
            items[index].enable_when = parsed;
        }
        if let Some(skipped) = &raw_item.if_skipped
            && raw_item.enable_when.is_none()
        {
            c.error(skipped.span(), "`if_skipped` needs an `enable_when` condition");
        }
    }
}
