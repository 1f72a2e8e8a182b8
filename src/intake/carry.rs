//! A follow-up never asks again what the client already answered in the same words: PHQ-2's two
//! items are PHQ-9's first two, GAD-2's are GAD-7's. When a follow-up starts, each of its items
//! worded exactly like an item of the instrument that called for it (the same item text, the
//! same stem and timeframe when shown, the same options with the same values) takes that
//! answer. It is saved like any answer, shown as answered, and can be changed by going back.
//! Items whose wording differs in any way are asked. Only the calling instrument counts: the
//! same words in an unrelated instrument can mean something else (PHQ-9's and GAD-7's
//! difficulty items read alike but ask about different problems). Pure, like the flow.

use super::{IntakeFlow, Step};
use crate::instrument::{Instrument, Library};

/// Whether item `a` of `first` and item `b` of `second` put the same question with the same
/// choices, word for word, in every language.
fn same_wording(first: &Instrument, a: usize, second: &Instrument, b: usize) -> bool {
    let (x, y) = (&first.items[a], &second.items[b]);
    let stem = |instrument: &Instrument, shown: bool| if shown { instrument.stem.clone() } else { None };
    let timeframe = |instrument: &Instrument, shown: bool| if shown { instrument.timeframe.clone() } else { None };
    let options = |instrument: &Instrument, item: usize| {
        instrument.options_of(item).iter().map(|o| (o.code.clone(), o.value, o.text.clone())).collect::<Vec<_>>()
    };
    x.text == y.text
        && stem(first, x.use_stem) == stem(second, y.use_stem)
        && timeframe(first, x.use_stem) == timeframe(second, y.use_stem)
        && options(first, a) == options(second, b)
}

impl IntakeFlow {
    /// Carries earlier answers into the instrument at `current` when it has none yet; returns
    /// the answers to save and moves to its first item still to ask.
    pub(super) fn carry_forward(&mut self, library: &Library) -> Vec<Step> {
        let Some(id) = self.queue.get(self.current).cloned() else { return Vec::new() };
        let Some(instrument) = library.get(&id) else { return Vec::new() };
        if self.answers.get(&id).is_some_and(|a| a.iter().any(Option::is_some)) {
            return Vec::new();
        }
        let mut carried = vec![None; instrument.items.len()];
        for (index, slot) in carried.iter_mut().enumerate() {
            *slot = self.queue[..self.current].iter().find_map(|earlier| {
                let called_for = self.results.get(earlier).is_some_and(|r| r.follow_ups.contains(&id));
                if !called_for {
                    return None;
                }
                let source = library.get(earlier)?;
                let answers = self.answers.get(earlier)?;
                (0..source.items.len()).find_map(|k| {
                    let position = answers.get(k).copied().flatten()?;
                    same_wording(source, k, instrument, index).then_some(position)
                })
            });
        }
        if carried.iter().all(Option::is_none) {
            return Vec::new();
        }
        let steps = carried
            .iter()
            .enumerate()
            .filter_map(|(index, position)| {
                let position = (*position)?;
                Some(Step::Answered {
                    instrument: id.clone(),
                    version: instrument.version.clone(),
                    item: instrument.items[index].id.clone(),
                    position,
                    value: instrument.options_of(index).get(position)?.value,
                })
            })
            .collect();
        self.answers.insert(id, carried.clone());
        let enabled = self.enabled(instrument);
        if let Some(next) = (0..instrument.items.len()).find(|&i| enabled[i] && carried[i].is_none()) {
            self.item = next;
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::same_wording;
    use crate::instrument::model::Text;
    use crate::instrument::{Lang, Library};

    fn english(text: &str) -> Text {
        Text([(Lang::En, text.to_string())].into_iter().collect())
    }

    #[test]
    fn any_difference_in_what_is_shown_means_the_item_is_asked_again() {
        let library = Library::shipped();
        let (auditc, audit) = (library.get("auditc").unwrap(), library.get("audit").unwrap());
        for item in 0..3 {
            assert!(same_wording(auditc, item, audit, item), "AUDIT-C item {} reads as the AUDIT's", item + 1);
        }
        assert!(!same_wording(auditc, 0, audit, 1), "different questions");
        let mut reworded = audit.clone();
        reworded.items[1].text = english("How many drinks did you have on a typical day?");
        assert!(!same_wording(auditc, 1, &reworded, 1), "item text");
        let mut other_frame = audit.clone();
        other_frame.timeframe = Some(english("Past month"));
        assert!(!same_wording(auditc, 0, &other_frame, 0), "time frame shown with the item");
        let mut other_stem = audit.clone();
        other_stem.stem = None;
        assert!(!same_wording(auditc, 0, &other_stem, 0), "opening sentence");
    }
}
