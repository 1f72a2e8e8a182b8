//! Choosing what to screen with, before consent: the library's bundles, the default chosen by the
//! client's age (the youth bundle under 18, the adult core otherwise), number keys or arrows
//! choose, Enter starts the intake. A bundle that is not a risk screen says plainly that it does
//! not ask about suicide directly (staff only: the kiosk refuses it).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Wrap;

use crate::instrument::Library;
use crate::instrument::age_on;
use crate::tui::app::{Action, App, DEFAULT_BUNDLE, Deps, Effect, Screen, go_home, start_instruments};
use crate::tui::backend::ClientInfo;
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::view::{View, body_block, clean};
use crate::ui::paragraph::FastParagraph;
use crate::ui::strings::{Text, fill};

/// The bundle offered first to a client under 18.
pub const YOUTH_BUNDLE: &str = "youth-core";

#[derive(Debug, Clone, PartialEq)]
pub struct BundleState {
    pub client: ClientInfo,
    /// Bundle ids, in the library's order.
    pub bundles: Vec<String>,
    pub selected: usize,
}

/// The choice for `client`, the default selected by age on `today`.
pub fn open(client: ClientInfo, library: &Library, today: &str) -> Screen {
    let bundles: Vec<String> = library.bundles().iter().map(|b| b.id.clone()).collect();
    let youth = client.birth_date.as_deref().and_then(|b| age_on(b, today)).is_some_and(|age| age < 18);
    let default = if youth { YOUTH_BUNDLE } else { DEFAULT_BUNDLE };
    let selected = bundles.iter().position(|b| b == default).unwrap_or(0);
    Screen::Bundle(Box::new(BundleState { client, bundles, selected }))
}

const KEYS: &[Binding<()>] = &[
    bind(&[Key::Digits, Key::Arrows], (), Text::KeyChoose),
    bind(&[Key::Enter], (), Text::KeyBeginIntake),
    bind(&[Key::Back], (), Text::KeyBack),
];

pub fn entries(app: &App, library: &Library) -> Vec<Entry> {
    keys::entries(KEYS, app, library)
}

/// Keys on the choice.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    let library = deps.library;
    if keys::lookup(KEYS, app, library, &action).is_none() {
        return Vec::new();
    }
    let Screen::Bundle(state) = &mut app.screen else { return Vec::new() };
    let last = state.bundles.len().saturating_sub(1);
    match action {
        Action::Up => state.selected = state.selected.saturating_sub(1),
        Action::Down => state.selected = (state.selected + 1).min(last),
        Action::Choose(n) if n <= last => state.selected = n,
        Action::Submit => {
            let Some(bundle) = state.bundles.get(state.selected) else { return Vec::new() };
            let instruments = start_instruments(library, bundle, app.org.as_ref());
            return vec![Effect::StartEncounter { client: state.client.clone(), instruments }];
        }
        Action::Back => return go_home(app),
        _ => {}
    }
    Vec::new()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, state: &BundleState, view: &View) {
    let title = format!("{} · {}", Text::BundleTitle.get(app.lang), clean(&state.client.name));
    let block = body_block(&title, view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut lines = vec![Line::raw(Text::BundleIntro.get(app.lang)), Line::raw("")];
    for (position, id) in state.bundles.iter().enumerate() {
        let Some(bundle) = view.library.bundle(id) else { continue };
        // What the intake will really ask: the bundle's list with the ASQ placed as the
        // organisation's setting says.
        let names: Vec<String> = start_instruments(view.library, id, app.org.as_ref())
            .iter()
            .map(|i| view.library.get(i).map_or_else(|| clean(i), |x| clean(x.short_title.get(app.lang))))
            .collect();
        let mut line = Line::from(vec![
            Span::styled(format!("  {}  ", position + 1), view.theme.key),
            Span::styled(clean(bundle.label.get(app.lang)), view.theme.title),
            Span::styled(format!("  {}", names.join(", ")), view.theme.muted),
        ]);
        if position == state.selected {
            line = view.theme.selected_line(line);
        }
        lines.push(line);
        if !bundle.risk_screen {
            lines.push(Line::styled(format!("     {}", Text::BundleNoRiskScreen.get(app.lang)), view.theme.warning));
        }
    }
    if let Some(bundle) = state.bundles.get(state.selected).and_then(|id| view.library.bundle(id)) {
        lines.push(Line::raw(""));
        let chosen = fill(Text::BundleChosen, app.lang, &[("bundle", clean(bundle.label.get(app.lang)))]);
        lines.push(Line::styled(chosen, view.theme.title));
    }
    frame.render_widget(FastParagraph::new(lines).wrap(Wrap { trim: false }), inner);
}

#[cfg(test)]
mod tests {
    use crate::instrument::Lang;
    use crate::tui::app::{Action, Effect, Screen, update};
    use crate::tui::screens::fixtures;
    use crate::tui::view::test_support::{care, library, render};

    fn choosing(lang: Lang, birth_date: &str) -> crate::tui::app::App {
        let mut app = fixtures::signed_in(lang);
        let mut client = fixtures::client(lang);
        client.birth_date = Some(birth_date.into());
        app.screen = super::open(client, library(), "2026-11-25");
        app
    }

    fn selected(app: &crate::tui::app::App) -> String {
        match &app.screen {
            Screen::Bundle(state) => state.bundles[state.selected].clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_default_follows_the_age_and_enter_starts_with_the_chosen_bundle() {
        let adult = choosing(Lang::En, "1990-04-02");
        assert_eq!(selected(&adult), "adult-core");
        let mut youth = choosing(Lang::En, "2011-06-01");
        assert_eq!(selected(&youth), "youth-core", "15 years old on 2026-11-25");
        let effects = update(&mut youth, Action::Submit, library(), care(), "2026-11-25");
        let [Effect::StartEncounter { instruments, .. }] = &effects[..] else { panic!("{effects:?}") };
        assert_eq!(instruments[..2], ["phq9".to_string(), "asq".to_string()], "the ASQ is universal by default");
        assert!(instruments.contains(&"k6".to_string()) && !instruments.contains(&"auditc".to_string()));
        // A number key chooses another bundle.
        update(&mut youth, Action::Choose(2), library(), care(), "2026-11-25");
        assert_eq!(selected(&youth), "distress");
        // Back leaves without starting anything.
        assert_eq!(update(&mut youth, Action::Back, library(), care(), "2026-11-25"), vec![Effect::LoadHome]);
    }

    #[test]
    fn bundle_choice_snapshots_in_both_languages() {
        let app = choosing(Lang::En, "1990-04-02");
        let english = render(&app, 80, 24);
        assert!(english.contains("Adult core") && english.contains("Youth core (12-17)"), "{english}");
        insta::assert_snapshot!("bundle_80x24_en", english);
        insta::assert_snapshot!("bundle_120x40_en", render(&app, 120, 40));
        let app = choosing(Lang::Fr, "2011-06-01");
        insta::assert_snapshot!("bundle_80x24_fr", render(&app, 80, 24));
        insta::assert_snapshot!("bundle_120x40_fr", render(&app, 120, 40));
    }

    #[test]
    fn a_bundle_that_does_not_ask_about_suicide_says_so() {
        use crate::instrument::Library;
        let bundles = "[[bundles]]\nid = \"alcohol\"\ninstruments = [\"auditc\"]\nrisk_screen = false\n\
                       label = { en = \"Alcohol only\", fr = \"Alcool seulement\" }\n";
        let sources = Library::shipped_sources().into_iter().filter(|(name, _)| !name.ends_with("bundles.toml"));
        let library = Library::from_sources(sources.chain([("bundles.toml".to_string(), bundles.to_string())]));
        assert!(library.bundle("alcohol").is_some_and(|b| !b.risk_screen));
        let mut app = fixtures::signed_in(Lang::En);
        app.screen = super::open(fixtures::client(Lang::En), &library, "2026-11-25");
        let screen = crate::tui::view::test_support::render_with_library(&app, &library, 100, 30);
        assert!(screen.contains("staff only: does not ask about suicide directly"), "{screen}");
        let mut app = fixtures::signed_in(Lang::Fr);
        app.screen = super::open(fixtures::client(Lang::Fr), &library, "2026-11-25");
        let screen = crate::tui::view::test_support::render_with_library(&app, &library, 100, 30);
        assert!(screen.contains("ne pose pas directement la question du suicide"), "{screen}");
    }
}
