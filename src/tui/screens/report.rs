//! The service report (clinician and admin; the owner enforces it): intakes by origin and level
//! as bars, intakes per week as a sparkline, kiosk review times, positive screens, referrals, and
//! outcomes by resource with 95% Wilson intervals ("too few to say" below the minimum count).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Sparkline;

use crate::ui::paragraph::FastParagraph;

use crate::instrument::Lang;
use crate::report::stats::Rate;
use crate::report::{Count, ServiceReport, render};
use crate::tui::app::{Action, App, Deps, Effect, Screen, go_home};
use crate::tui::keys::{self, Binding, Entry, Key, bind};
use crate::tui::list_window::{Scrolled, Window};
use crate::tui::view::{View, body_block, clean, draw_position_marker};
use crate::ui::strings::Text;
use crate::ui::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmd {
    Back,
    Move,
}

const KEYS: &[Binding<Cmd>] = &[
    bind(&[Key::Back, Key::Letter('q')], Cmd::Back, Text::KeyBack),
    bind(&[Key::Arrows], Cmd::Move, Text::KeyMove).help_only(),
];

pub fn entries(app: &App, library: &crate::instrument::Library) -> Vec<Entry> {
    keys::entries(KEYS, app, library)
}

/// Keys on the service report: the arrows scroll it, back goes to where it was opened from.
pub fn key(app: &mut App, action: Action, deps: Deps) -> Vec<Effect> {
    match keys::lookup(KEYS, app, deps.library, &action) {
        None => return Vec::new(),
        Some(Cmd::Move) => {
            if let Screen::Report(report) = &mut app.screen {
                let count = line_count(report);
                report.step(action == Action::Up, count);
            }
            return Vec::new();
        }
        Some(Cmd::Back) => {}
    }
    if keys::role(app) == Some(crate::auth::Role::Admin) {
        app.screen = Screen::Admin(Box::default());
        return vec![Effect::LoadUsers];
    }
    go_home(app)
}

/// A duration in minutes, hours or days; French writes a decimal comma and "j" for days.
fn duration(ms: Option<i64>, lang: Lang) -> String {
    let decimal = |value: f64| {
        let text = format!("{value:.1}");
        if lang == Lang::Fr { text.replace('.', ",") } else { text }
    };
    match ms {
        None => "-".into(),
        Some(ms) if ms < 3_600_000 => format!("{} min", ms / 60_000),
        Some(ms) if ms < 86_400_000 => format!("{} h", decimal(ms as f64 / 3_600_000.0)),
        Some(ms) => format!("{} {}", decimal(ms as f64 / 86_400_000.0), Text::DurationDays.get(lang)),
    }
}

/// `56% (37-73%)`; French puts a space before the percent sign: `56 % (37-73 %)`.
fn percent(rate: &Rate, lang: Lang) -> String {
    let sign = if lang == Lang::Fr { " %" } else { "%" };
    format!("{:.0}{sign} ({:.0}-{:.0}{sign})", rate.rate * 100.0, rate.low * 100.0, rate.high * 100.0)
}

/// `  LABEL n=.. · reliable improvement · recovery`, or "too few to say" below the minimum count.
fn outcome_line(
    (label, (n, too_few), [improvement, recovery]): (String, (u64, bool), [&Rate; 2]),
    app: &App,
    view: &View,
) -> Line<'static> {
    let figures = if too_few {
        Span::styled(format!("n={n} · {}", Text::TooFew.get(app.lang)), view.theme.muted)
    } else {
        Span::raw(format!("n={n} · {} · {}", percent(improvement, app.lang), percent(recovery, app.lang)))
    };
    Line::from(vec![Span::raw(format!("  {label} ")), figures])
}

/// One line per count with a bar scaled to the largest count.
fn bars<'a>(counts: &[Count], width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let max = counts.iter().map(|c| c.count).max().unwrap_or(0).max(1);
    counts
        .iter()
        .map(|c| {
            let length = ((c.count as f64 / max as f64) * width as f64).round() as usize;
            Line::from(vec![
                Span::raw(format!("  {:<18} ", clean(&c.label))),
                Span::styled("█".repeat(length.max(usize::from(c.count > 0))), theme.gauge),
                Span::raw(format!(" {}", c.count)),
            ])
        })
        .collect()
}

/// How many lines [`lines`] makes of `report`, for the keys to scroll within them.
fn line_count(report: &ServiceReport) -> usize {
    let paired = if report.paired_outcomes.is_empty() { 0 } else { 1 + report.paired_outcomes.len() };
    7 + report.by_origin.len()
        + report.by_level.len()
        + report.positive_screens.len()
        + report.referrals.len().min(8)
        + report.outcomes_by_resource.len()
        + paired
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, report: &Scrolled<ServiceReport>, view: &View) {
    let block = body_block(Text::ReportTitle.get(app.lang), view.theme);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(report, inner, app, view);
    let window = Window::from(lines.len(), report.scroll, usize::from(inner.height));
    // The weekly sparkline takes the first rows on the right when there is room.
    if window.first == 0 {
        draw_weekly(frame, inner, report, app.lang, view);
    }
    frame.render_widget(FastParagraph::new(lines[window.range()].to_vec()), inner);
    if let Some(marker) = window.marker(app.lang) {
        draw_position_marker(frame, area, marker, view.theme);
    }
}

/// The report's figures, one line each, for a box `inner` wide.
fn lines(report: &ServiceReport, inner: Rect, app: &App, view: &View) -> Vec<Line<'static>> {
    let lang = app.lang;
    let bar_width = usize::from(inner.width.saturating_sub(32)).min(40);
    let title = |text: Text| Line::styled(text.get(lang), view.theme.title);

    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{}{}", Text::ReportIntakes.get(lang), crate::ui::strings::colon(lang)), view.theme.title),
        Span::raw(report.intakes.to_string()),
        Span::raw("   "),
        Span::styled(
            format!(
                "{}{}{}",
                Text::ReportCritical.get(lang),
                crate::ui::strings::colon(lang),
                report.critical_encounters
            ),
            view.theme.warning,
        ),
    ])];
    // Origins and levels as words in French ("borne", "crise", "niveau 2"); English keeps the
    // ids, as the report has always shown them.
    let named = |counts: &[Count], words: fn(&str, Lang) -> String| -> Vec<Count> {
        counts.iter().map(|c| Count { label: words(&c.label, lang), count: c.count }).collect()
    };
    lines.push(title(Text::ReportByOrigin));
    lines.extend(bars(&named(&report.by_origin, render::origin_words), bar_width, view.theme));
    lines.push(title(Text::ReportByLevel));
    lines.extend(bars(&named(&report.by_level, render::level_words), bar_width, view.theme));
    let review = &report.kiosk_review;
    lines.push(Line::from(vec![
        Span::styled(
            format!("{}{}", Text::ReportKioskReview.get(lang), crate::ui::strings::colon(lang)),
            view.theme.title,
        ),
        Span::raw(format!(
            "{} / {} · {} {}",
            duration(review.median_ms, lang),
            duration(review.p90_ms, lang),
            review.awaiting,
            Text::ReportAwaiting.get(lang)
        )),
    ]));
    lines.push(title(Text::ReportPositive));
    for screen in &report.positive_screens {
        lines.push(Line::raw(format!(
            "  {:<10} {}/{} {}",
            clean(&screen.instrument),
            screen.positive.count,
            screen.screened,
            percent(&screen.positive, lang)
        )));
    }
    lines.push(title(Text::ReportReferrals));
    for referral in report.referrals.iter().take(8) {
        lines.push(Line::raw(format!(
            "  {:<40} {} / {}",
            clean(&referral.resource),
            referral.offered,
            referral.chosen
        )));
    }
    let per_instrument = report.outcomes_by_resource.iter().map(|o| {
        let label = format!("{:<28} {:<6}", clean(&o.resource), clean(&o.instrument));
        (label, (o.with_follow_up, o.too_few), [&o.reliable_improvement, &o.recovery])
    });
    lines.push(title(Text::ReportOutcomes));
    lines.extend(per_instrument.map(|row| outcome_line(row, app, view)));
    let paired = report.paired_outcomes.iter().map(|o| {
        let who = o.resource.as_deref().map_or_else(|| Text::ReportPairedAll.get(lang).to_string(), clean);
        (format!("{who:<35}"), (o.with_follow_up, o.too_few), [&o.reliable_improvement, &o.recovery])
    });
    if !report.paired_outcomes.is_empty() {
        lines.push(title(Text::ReportPaired));
    }
    lines.extend(paired.map(|row| outcome_line(row, app, view)));
    lines
}

fn draw_weekly(frame: &mut Frame, inner: Rect, report: &ServiceReport, lang: Lang, view: &View) {
    let weekly: Vec<u64> = report.weekly_intakes.iter().map(|w| w.count).collect();
    let spark_width = (weekly.len() as u16).min(inner.width / 3);
    if spark_width >= 4 && inner.width >= 100 {
        let label = Text::ReportWeekly.get(lang);
        let x = inner.right() - spark_width.max(label.chars().count() as u16);
        frame.render_widget(
            FastParagraph::new(Line::styled(label, view.theme.muted)),
            Rect { x, y: inner.y, width: inner.right() - x, height: 1 },
        );
        let data = &weekly[weekly.len() - usize::from(spark_width)..];
        frame.render_widget(
            Sparkline::default().data(data).style(view.theme.gauge),
            Rect { x, y: inner.y + 1, width: spark_width, height: 3.min(inner.height.saturating_sub(1)) },
        );
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::instrument::Lang;
    use crate::report::stats::wilson;
    use crate::report::{
        Count, PairedOutcomes, Period, ResourceOutcome, ReviewTimes, ScreenCount, ServiceReport, WeekCount,
    };
    use crate::tui::app::{Action, App, Effect, Screen, update};
    use crate::tui::view::test_support::{care, library, render};

    pub(crate) fn report() -> ServiceReport {
        ServiceReport {
            period: Period::default(),
            intakes: 42,
            by_origin: vec![Count { label: "staff".into(), count: 30 }, Count { label: "kiosk".into(), count: 12 }],
            by_level: vec![
                Count { label: "crisis".into(), count: 3 },
                Count { label: "2".into(), count: 20 },
                Count { label: "4".into(), count: 19 },
            ],
            flags: vec![],
            critical_encounters: 3,
            kiosk_review: ReviewTimes {
                reviewed: 10,
                awaiting: 2,
                median_ms: Some(25 * 60_000),
                p90_ms: Some(3 * 3_600_000),
            },
            positive_screens: vec![ScreenCount { instrument: "phq9".into(), screened: 40, positive: wilson(16, 40) }],
            referrals: vec![],
            outcomes_by_resource: vec![
                ResourceOutcome {
                    resource: "bounce-back".into(),
                    instrument: "phq9".into(),
                    with_follow_up: 25,
                    cases_at_baseline: 20,
                    too_few: false,
                    reliable_improvement: wilson(14, 25),
                    reliable_deterioration: wilson(1, 25),
                    recovery: wilson(9, 20),
                    reliable_recovery: wilson(8, 20),
                },
                ResourceOutcome {
                    resource: "togetherall".into(),
                    instrument: "gad7".into(),
                    with_follow_up: 3,
                    cases_at_baseline: 3,
                    too_few: true,
                    reliable_improvement: wilson(2, 3),
                    reliable_deterioration: wilson(0, 3),
                    recovery: wilson(1, 3),
                    reliable_recovery: wilson(1, 3),
                },
            ],
            paired_outcomes: vec![
                PairedOutcomes {
                    resource: None,
                    with_follow_up: 30,
                    cases_at_start: 24,
                    too_few: false,
                    reliable_improvement: wilson(17, 30),
                    reliable_deterioration: wilson(2, 30),
                    recovery: wilson(11, 24),
                    reliable_recovery: wilson(10, 24),
                },
                PairedOutcomes {
                    resource: Some("togetherall".into()),
                    with_follow_up: 3,
                    cases_at_start: 3,
                    too_few: true,
                    reliable_improvement: wilson(2, 3),
                    reliable_deterioration: wilson(0, 3),
                    recovery: wilson(1, 3),
                    reliable_recovery: wilson(1, 3),
                },
            ],
            min_count: 10,
            weekly_intakes: (0..12)
                .map(|w| WeekCount { week_start_ms: w * 604_800_000, count: (w as u64 * 7) % 9 })
                .collect(),
            measures_from_stored_totals: 0,
            damaged: vec![],
        }
    }

    #[test]
    fn report_snapshots_and_too_few_to_say() {
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Home { entries: Vec::new(), selected: 0 };
        // An intake worker is not offered the service report (the owner refuses it too).
        assert_eq!(update(&mut app, Action::Letter('s'), library(), care(), "2026-11-25"), vec![]);
        if let Some(session) = app.session.as_mut() {
            session.role = crate::auth::Role::Clinician;
        }
        assert_eq!(update(&mut app, Action::Letter('s'), library(), care(), "2026-11-25"), vec![Effect::LoadReport]);
        update(&mut app, Action::ReportLoaded(Ok(report())), library(), care(), "2026-11-25");
        let screen = render(&app, 80, 24);
        assert!(screen.contains("too few to say"));
        assert!(screen.contains("56% (37-73%)"), "{screen}");
        assert!(screen.contains("PHQ-9 + GAD-7 together") && screen.contains("all clients"), "{screen}");
        insta::assert_snapshot!("report_80x24", screen);
        let french = render(&App { lang: Lang::Fr, ..app.clone() }, 120, 40);
        for english in ["staff", "kiosk", "too few", "3.0 h", "56%"] {
            assert!(!french.contains(english), "English {english:?} in:\n{french}");
        }
        assert!(french.contains("  personnel ") && french.contains("3,0 h") && french.contains("56 % (37-73 %)"));
        insta::assert_snapshot!("report_120x40_fr", french);
        assert_eq!(update(&mut app, Action::Back, library(), care(), "2026-11-25"), vec![Effect::LoadHome]);
    }

    #[test]
    fn a_long_report_scrolls_and_says_where_it_is() {
        use crate::tui::list_window::Scrolled;
        let mut long = report();
        long.outcomes_by_resource = long.outcomes_by_resource.iter().cycle().take(12).cloned().collect();
        let mut app = crate::tui::demo::signed_in(Lang::En);
        app.screen = Screen::Report(Box::new(Scrolled::new(long.clone())));
        let first = render(&app, 80, 24);
        let count = super::line_count(&long);
        assert!(first.contains(&format!("1–19 of {count}")), "{first}");
        for _ in 0..3 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let scrolled = render(&app, 80, 24);
        assert!(scrolled.contains(&format!("4–22 of {count}")) && !scrolled.contains("Intakes:"), "{scrolled}");
        insta::assert_snapshot!("report_80x24_scrolled", scrolled);
        insta::assert_snapshot!("report_80x24_scrolled_fr", render(&App { lang: Lang::Fr, ..app.clone() }, 80, 24));
        // The count the keys scroll within is the count of lines drawn.
        let theme = crate::ui::theme::Theme::select(Some("default"), false);
        let view = crate::tui::view::View { library: library(), care: care(), theme: &theme, crisis_lines: &[] };
        let inner = ratatui::layout::Rect::new(0, 0, 78, 20);
        assert_eq!(super::lines(&long, inner, &app, &view).len(), count);
        for _ in 0..100 {
            update(&mut app, Action::Down, library(), care(), "2026-11-25");
        }
        let Screen::Report(shown) = &app.screen else { unreachable!() };
        assert_eq!(shown.scroll, count - 1);
        update(&mut app, Action::Up, library(), care(), "2026-11-25");
        let Screen::Report(shown) = &app.screen else { unreachable!() };
        assert_eq!(shown.scroll, count - 2);
    }
}
