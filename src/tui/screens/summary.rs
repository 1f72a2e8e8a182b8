//! The take-away summary (issue 16, item 7): its text in the client's language, its preview on
//! the results screen, and the name of its file. The summary names no client and no score: the
//! resources chosen with the client, the crisis lines for the client's province and language,
//! and the organisation's name and telephone. The file name carries the encounter's reference
//! (random, not derived from the client), the date and a version, so saving again never
//! collides with an earlier copy.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::instrument::Lang;
use crate::instrument::ScoreResult;
use crate::intake::care::{Decided, Plan, PlannedResource};
use crate::triage::Level;
use crate::tui::app::{Deps, Effect, Intake};
use crate::tui::backend::OrgInfo;
use crate::tui::screens::results::ResultsState;
use crate::tui::view::{View, body_block, clean, draw_position_marker};
use crate::ui::paragraph::FastParagraph;
use crate::ui::strings::Text;

/// The summary as it will be written, before the worker saves it.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    pub text: String,
    /// The first line shown.
    pub scroll: usize,
    /// The referral to record with it: (resource id, reasons shown, chosen by the client).
    pub resources: Vec<(String, Vec<String>, bool)>,
}

impl Preview {
    /// Scrolls by `rows` (negative: up), staying within the text.
    pub fn scroll_by(&mut self, rows: isize) {
        let last = self.text.lines().count().saturating_sub(1);
        self.scroll = self.scroll.saturating_add_signed(rows).min(last);
    }
}

/// The summary's heading: the organisation's name and telephone, the encounter's reference.
pub struct Heading<'a> {
    pub organisation: &'a str,
    pub phone: Option<&'a str>,
    pub reference: &'a str,
}

/// The encounter's short reference: its id's first 8 letters and digits (as staff see the id).
pub fn reference(encounter: &str) -> String {
    encounter.chars().filter(char::is_ascii_alphanumeric).take(8).collect()
}

/// The file name of `version` (from 1) of the summary of encounter `reference` made on `today`
/// (YYYY-MM-DD): `referral-20260301-AB12CD34-v2.txt`. Only ASCII letters, digits and dashes.
pub fn file_name(reference: &str, today: &str, version: u32) -> String {
    let date: String = today.chars().filter(char::is_ascii_digit).collect();
    let reference: String = reference.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("referral-{date}-{reference}-v{version}.txt")
}

/// The take-away summary in `lang`: who it is from, the chosen resources with how to reach them,
/// then what to do in danger and the crisis lines. No client name, no score.
pub fn text(
    plan: &Plan,
    picked: &[bool],
    crisis: &[PlannedResource],
    head: &Heading,
    lang: Lang,
    today: &str,
) -> String {
    let colon = |text: Text| format!("{}{}", text.get(lang), crate::ui::strings::colon(lang).trim_end());
    let mut out = format!("{}\n{} {today}\n", Text::SummaryTitle.get(lang), Text::SummaryFor.get(lang));
    out.push_str(&format!("{} {}\n", colon(Text::SummaryReference), clean(head.reference)));
    out.push_str(&format!("{} {}\n", colon(Text::SummaryFrom), clean(head.organisation)));
    if let Some(phone) = head.phone {
        out.push_str(&format!("{} {}\n", colon(Text::SummaryPhone), clean(phone)));
    }
    let chosen: Vec<&PlannedResource> =
        plan.resources.iter().zip(picked).filter(|(_, chosen)| **chosen).map(|(r, _)| r).collect();
    if !chosen.is_empty() {
        out.push_str(&format!("\n{}\n\n", Text::SummaryChosen.get(lang)));
        for resource in chosen {
            push_resource(&mut out, resource);
        }
    }
    out.push_str(&format!("\n{}\n", Text::SummaryInDanger.get(lang)));
    if !crisis.is_empty() {
        out.push_str(&format!("\n{}\n\n", Text::SummaryCrisisLines.get(lang)));
        for line in crisis {
            push_resource(&mut out, line);
        }
    }
    out
}

fn push_resource(out: &mut String, resource: &PlannedResource) {
    out.push_str(&format!(
        "* {}\n  {}\n  {}\n",
        clean(&resource.name),
        clean(&resource.contact),
        clean(&resource.hours)
    ));
    if let Some(url) = &resource.url {
        out.push_str(&format!("  {}\n", clean(url)));
    }
    out.push('\n');
}

/// The client's intake the summary is for, and the organisation it is from.
pub struct Client<'a> {
    pub intake: &'a Intake,
    pub org: Option<&'a OrgInfo>,
    pub today: &'a str,
}

/// The summary's preview, once the level is decided and a resource is ticked (a plan with no
/// resource at all still gives the crisis lines and the organisation's contact).
pub fn open(state: &mut ResultsState, client: &Client, lang: Lang, deps: Deps) {
    if state.decided.is_none() {
        state.error = Some(Text::KeyConfirmLevel);
        return;
    }
    if !state.plan.resources.is_empty() && !state.picked.iter().any(|p| *p) {
        state.error = Some(Text::SummaryPickFirst);
        return;
    }
    let intake = client.intake;
    let client_lang = intake.client.language.unwrap_or(lang);
    let resources = state
        .plan
        .resources
        .iter()
        .zip(&state.picked)
        .map(|(r, picked)| (r.id.clone(), r.reasons.iter().map(ToString::to_string).collect(), *picked))
        .collect();
    // The crisis lines for the client's province and language, whatever the level: the ones
    // matching lists at the crisis level.
    let results: Vec<&ScoreResult> = intake.flow.results().collect();
    let at_crisis = Decided { level: Some(Level::Crisis), lifted: Vec::new() };
    let care_client = intake.client.care_client(client.today);
    let plan = deps.care.plan_decided(deps.library, &care_client, &results, &[], &at_crisis);
    let crisis: Vec<PlannedResource> = plan.resources.into_iter().filter(|r| r.crisis).collect();
    let reference = reference(&intake.encounter);
    let heading = Heading {
        organisation: client.org.map_or("", |org| org.name.as_str()),
        phone: client.org.and_then(|org| org.contact_phone.as_deref()),
        reference: &reference,
    };
    let text = text(&state.plan, &state.picked, &crisis, &heading, client_lang, client.today);
    state.preview = Some(Preview { text, scroll: 0, resources });
}

/// A key on the preview: scroll (`up` or down), save (`saving`: the referral, then the file, a
/// new version each time), or leave it (`cancel`).
pub fn key(state: &mut ResultsState, up: Option<bool>, saving: Option<&Client>, cancel: bool) -> Vec<Effect> {
    if let (Some(up), Some(preview)) = (up, state.preview.as_mut()) {
        preview.scroll_by(if up { -1 } else { 1 });
    }
    if cancel {
        state.preview = None;
    }
    let Some(client) = saving else { return Vec::new() };
    let Some(preview) = state.preview.take() else { return Vec::new() };
    let Some(org) = client.org else {
        state.error = Some(Text::SummaryDirUnwritable);
        return Vec::new();
    };
    vec![
        Effect::SaveReferral { encounter: client.intake.encounter.clone(), resources: preview.resources },
        Effect::WriteSummary {
            dir: org.summary_dir.clone(),
            reference: reference(&client.intake.encounter),
            today: client.today.to_string(),
            text: preview.text,
        },
    ]
}

/// The preview in the body: the text from `scroll`, with its position.
pub fn draw(frame: &mut Frame, area: Rect, preview: &Preview, lang: Lang, view: &View) {
    let block = body_block(Text::SummaryPreviewTitle.get(lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines: Vec<Line> = preview.text.lines().skip(preview.scroll).map(|l| Line::raw(l.to_string())).collect();
    frame.render_widget(FastParagraph::new(lines), inner);
    let total = preview.text.lines().count();
    draw_position_marker(frame, area, format!("{}/{total}", (preview.scroll + 1).min(total)), view.theme);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_reference_date_and_version_and_nothing_else() {
        assert_eq!(file_name("ab12cd34", "2026-03-01", 1), "referral-20260301-ab12cd34-v1.txt");
        assert_eq!(file_name("ab12cd34", "2026-03-01", 2), "referral-20260301-ab12cd34-v2.txt");
        // Nothing from outside can put a path or a space into the name.
        assert_eq!(file_name("../x y", "2026-03-01", 3), "referral-20260301-xy-v3.txt");
        assert_eq!(reference("0f3a9c2e77b14c3d"), "0f3a9c2e");
        assert_eq!(reference("ab"), "ab");
    }

    #[test]
    fn scrolling_stays_within_the_text() {
        let mut preview = Preview { text: "a\nb\nc".into(), scroll: 0, resources: Vec::new() };
        preview.scroll_by(-1);
        assert_eq!(preview.scroll, 0);
        preview.scroll_by(10);
        assert_eq!(preview.scroll, 2);
    }
}
