//! Plain-text and CSV renderings of reports. Pure. Every label that could have come from a user
//! or a file is sanitised for the terminal (`terminal_text`) or a spreadsheet (`csv_cell`).

use std::fmt::Write as _;

use super::{Count, InstrumentOutcome, PairedCourse, PairedOutcomes, Rate, ServiceReport};
use crate::instrument::{Direction, Lang};
use crate::sanitize::{csv_cell, terminal_text};
use crate::store::format_time;
use crate::triage::Level;
use crate::triage::wording::{flag_words, level_phrase};
use crate::ui::strings::{Text, colon, fill};

/// A decimal number with one digit, with a decimal comma in French.
fn decimal(value: f64, lang: Lang) -> String {
    let text = format!("{value:.1}");
    if lang == Lang::Fr { text.replace('.', ",") } else { text }
}

fn pct(rate: &Rate, lang: Lang) -> String {
    fill(
        Text::RptRate,
        lang,
        &[
            ("rate", decimal(rate.rate * 100.0, lang)),
            ("low", decimal(rate.low * 100.0, lang)),
            ("high", decimal(rate.high * 100.0, lang)),
        ],
    )
}

/// `count/of rate (CI)`, or "too few to say" below `min`.
pub fn rate_text(rate: &Rate, min: u64, lang: Lang) -> String {
    if rate.of < min {
        fill(
            Text::RptTooFew,
            lang,
            &[("count", rate.count.to_string()), ("of", rate.of.to_string()), ("min", min.to_string())],
        )
    } else {
        format!("{}/{} {}", rate.count, rate.of, pct(rate, lang))
    }
}

fn minutes(ms: Option<i64>, lang: Lang) -> String {
    ms.map_or_else(|| "-".into(), |ms| format!("{} min", decimal(ms as f64 / 60_000.0, lang)))
}

fn date(ms: i64) -> String {
    format_time(ms).chars().take(10).collect()
}

/// A heading followed by its colon ("By origin:", "Par provenance :").
fn heading(text: &str, lang: Lang) -> String {
    format!("{text}{}", colon(lang).trim_end())
}

/// An intake origin's name: the ids in English, as the report has always shown them.
pub fn origin_words(label: &str, lang: Lang) -> String {
    match label {
        "staff" => Text::RptOriginStaff.get(lang).to_string(),
        "kiosk" => Text::RptOriginKiosk.get(lang).to_string(),
        other => other.to_string(),
    }
}

/// A level id's name: the ids in English ("crisis", "2"); "crise", "niveau 2" in French.
pub fn level_words(label: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return label.to_string();
    }
    match Level::parse(label) {
        Some(level) => level_phrase(level, lang),
        None if label == "undecided" => Text::RptUndecided.get(lang).to_string(),
        None => label.to_string(),
    }
}

/// A flag `instrument.flag`: the id in English; the instrument and the flag's words in French.
pub fn flag_label(flag: &str, lang: Lang) -> String {
    match (lang, flag.split_once('.')) {
        (Lang::Fr, Some((instrument, id))) => format!("{instrument} · {}", flag_words(id, lang)),
        _ => flag.to_string(),
    }
}

/// `text` left-aligned in `width` characters.
fn padded(text: &str, width: usize) -> String {
    format!("{text:<width$}")
}

/// The four outcome rates, labels aligned on the longest label in `lang`.
fn rate_lines(out: &mut String, rates: [&Rate; 4], min: u64, lang: Lang) {
    let labels = [Text::ReliableImprovement, Text::ReliableDeterioration, Text::Recovery, Text::ReliableRecovery];
    let width = labels.iter().map(|t| t.get(lang).chars().count()).max().unwrap_or(0);
    for (label, rate) in labels.iter().zip(rates) {
        let _ = writeln!(out, "    {} {}", padded(label.get(lang), width), rate_text(rate, min, lang));
    }
}

/// A text bar of `count` scaled to `max` in `width` cells.
fn bar(count: u64, max: u64, width: usize) -> String {
    let cells = if max == 0 { 0 } else { ((count as f64 / max as f64) * width as f64).round() as usize };
    "█".repeat(cells.min(width))
}

/// A sparkline of values with eight block heights.
pub fn sparkline(values: &[u64]) -> String {
    const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|v| if max == 0 { BLOCKS[0] } else { BLOCKS[((*v as f64 / max as f64) * 7.0).round() as usize] })
        .collect()
}

/// The service report for a terminal, in `lang`.
pub fn service_text(report: &ServiceReport, lang: Lang) -> String {
    let mut out = String::new();
    let from = report.period.from_ms.map_or_else(|| Text::RptFromStart.get(lang).into(), date);
    let to = report.period.to_ms.map_or_else(|| Text::RptToNow.get(lang).into(), date);
    let _ = writeln!(out, "{}", fill(Text::RptServiceHeading, lang, &[("from", from), ("to", to)]));
    let _ = writeln!(out, "{}", fill(Text::RptIntakes, lang, &[("n", report.intakes.to_string())]));
    if !report.weekly_intakes.is_empty() {
        let weeks: Vec<u64> = report.weekly_intakes.iter().map(|w| w.count).collect();
        let values = [("spark", sparkline(&weeks)), ("weeks", weeks.len().to_string())];
        let _ = writeln!(out, "{}", fill(Text::RptPerWeek, lang, &values));
    }
    let origins: Vec<Count> =
        report.by_origin.iter().map(|c| Count { label: origin_words(&c.label, lang), count: c.count }).collect();
    let levels: Vec<Count> =
        report.by_level.iter().map(|c| Count { label: level_words(&c.label, lang), count: c.count }).collect();
    for (title, counts) in [(Text::ReportByOrigin, &origins), (Text::ReportByLevel, &levels)] {
        let _ = writeln!(out, "\n{}", heading(title.get(lang), lang));
        let max = counts.iter().map(|c| c.count).max().unwrap_or(0);
        for c in counts {
            let _ = writeln!(out, "  {:<12} {:>7} {}", terminal_text(&c.label, false), c.count, bar(c.count, max, 30));
        }
    }
    let _ = writeln!(out, "\n{}", fill(Text::RptFlags, lang, &[("n", report.critical_encounters.to_string())]));
    let kinds = [Text::RptFlagCritical, Text::RptFlagWarning];
    let kind_width = kinds.iter().map(|t| t.get(lang).chars().count()).max().unwrap_or(0);
    for f in &report.flags {
        let kind = if f.critical { kinds[0] } else { kinds[1] };
        let _ = writeln!(
            out,
            "  {:<28} {} {:>7}",
            terminal_text(&flag_label(&f.flag, lang), false),
            padded(kind.get(lang), kind_width),
            f.encounters
        );
    }
    let r = &report.kiosk_review;
    let review = [
        ("median", minutes(r.median_ms, lang)),
        ("p90", minutes(r.p90_ms, lang)),
        ("reviewed", r.reviewed.to_string()),
        ("awaiting", r.awaiting.to_string()),
    ];
    let _ = writeln!(out, "\n{}", fill(Text::RptKioskReview, lang, &review));
    let _ = writeln!(out, "\n{}", heading(Text::ReportPositive.get(lang), lang));
    for s in &report.positive_screens {
        let _ = writeln!(out, "  {:<10} {}", terminal_text(&s.instrument, false), rate_text(&s.positive, 1, lang));
    }
    let _ = writeln!(out, "\n{}", Text::RptReferrals.get(lang));
    let max = report.referrals.iter().map(|c| c.chosen).max().unwrap_or(0);
    for c in &report.referrals {
        let _ = writeln!(
            out,
            "  {:<32} {:>6} {:>6} {}",
            terminal_text(&c.resource, false),
            c.offered,
            c.chosen,
            bar(c.chosen, max, 20)
        );
    }
    let _ = writeln!(out, "\n{}", fill(Text::RptOutcomes, lang, &[("min", report.min_count.to_string())]));
    if report.outcomes_by_resource.is_empty() {
        let _ = writeln!(out, "  {}", Text::RptNoFollowUp.get(lang));
    }
    for o in &report.outcomes_by_resource {
        let values = [
            ("resource", terminal_text(&o.resource, false)),
            ("instrument", terminal_text(&o.instrument, false)),
            ("n", o.with_follow_up.to_string()),
            ("cases", o.cases_at_baseline.to_string()),
        ];
        let _ = writeln!(out, "  {}", fill(Text::RptResourceLine, lang, &values));
        let rates = [&o.reliable_improvement, &o.reliable_deterioration, &o.recovery, &o.reliable_recovery];
        rate_lines(&mut out, rates, report.min_count, lang);
    }
    let definitions = Text::RptPairedDefinitions.get(lang).to_string();
    let _ = writeln!(out, "\n{}", fill(Text::RptPaired, lang, &[("definitions", definitions)]));
    if report.paired_outcomes.is_empty() {
        let _ = writeln!(out, "  {}", Text::RptNoPaired.get(lang));
    }
    for o in &report.paired_outcomes {
        paired_lines(&mut out, o, report.min_count, lang);
    }
    if report.measures_from_stored_totals > 0 {
        let n = report.measures_from_stored_totals.to_string();
        let _ = writeln!(out, "\n{}", fill(Text::RptStoredTotals, lang, &[("n", n)]));
    }
    if !report.damaged.is_empty() {
        let list = terminal_text(&report.damaged.join(", "), false);
        let _ = writeln!(out, "\n{}", fill(Text::RptDamaged, lang, &[("list", list)]));
    }
    out
}

fn paired_lines(out: &mut String, o: &PairedOutcomes, min: u64, lang: Lang) {
    let who =
        o.resource.as_deref().map_or_else(|| Text::ReportPairedAll.get(lang).to_string(), |r| terminal_text(r, false));
    let values = [("who", who), ("n", o.with_follow_up.to_string()), ("cases", o.cases_at_start.to_string())];
    let _ = writeln!(out, "  {}", fill(Text::RptPairedLine, lang, &values));
    let rates = [&o.reliable_improvement, &o.reliable_deterioration, &o.recovery, &o.reliable_recovery];
    rate_lines(out, rates, min, lang);
}

fn csv_line(cells: &[String]) -> String {
    let mut line = String::new();
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        line.push_str(&quote(&csv_cell(cell)));
    }
    line.push('\n');
    line
}

/// Quotes a (formula-escaped) CSV cell when it holds a comma, quote or line break.
pub fn quote(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) { format!("\"{}\"", cell.replace('"', "\"\"")) } else { cell.to_string() }
}

/// The service report as CSV: `section,label,instrument,count,of,rate,low,high,too_few`.
pub fn service_csv(report: &ServiceReport) -> String {
    let mut out = csv_line(
        &["section", "label", "instrument", "count", "of", "rate", "low", "high", "too_few"].map(String::from),
    );
    let row = |section: &str, label: &str, instrument: &str, count: u64, rate: Option<&Rate>, too_few: bool| {
        let (of, r, low, high) = match rate {
            Some(r) => (r.of.to_string(), format!("{:.4}", r.rate), format!("{:.4}", r.low), format!("{:.4}", r.high)),
            None => (String::new(), String::new(), String::new(), String::new()),
        };
        csv_line(&[
            section.into(),
            label.into(),
            instrument.into(),
            count.to_string(),
            of,
            r,
            low,
            high,
            if too_few { "yes".into() } else { String::new() },
        ])
    };
    out.push_str(&row("intakes", "all", "", report.intakes, None, false));
    for c in &report.by_origin {
        out.push_str(&row("origin", &c.label, "", c.count, None, false));
    }
    for c in &report.by_level {
        out.push_str(&row("level", &c.label, "", c.count, None, false));
    }
    for f in &report.flags {
        out.push_str(&row(if f.critical { "flag_critical" } else { "flag" }, &f.flag, "", f.encounters, None, false));
    }
    let r = &report.kiosk_review;
    out.push_str(&row(
        "kiosk_review_median_ms",
        "",
        "",
        r.median_ms.unwrap_or(0).max(0) as u64,
        None,
        r.median_ms.is_none(),
    ));
    out.push_str(&row("kiosk_review_p90_ms", "", "", r.p90_ms.unwrap_or(0).max(0) as u64, None, r.p90_ms.is_none()));
    out.push_str(&row("kiosk_reviewed", "", "", r.reviewed, None, false));
    out.push_str(&row("kiosk_awaiting", "", "", r.awaiting, None, false));
    for s in &report.positive_screens {
        out.push_str(&row("positive_screen", "", &s.instrument, s.positive.count, Some(&s.positive), false));
    }
    for c in &report.referrals {
        out.push_str(&row("referral_offered", &c.resource, "", c.offered, None, false));
        out.push_str(&row("referral_chosen", &c.resource, "", c.chosen, None, false));
    }
    let min = report.min_count;
    for o in &report.outcomes_by_resource {
        for (section, rate) in [
            ("reliable_improvement", &o.reliable_improvement),
            ("reliable_deterioration", &o.reliable_deterioration),
            ("recovery", &o.recovery),
            ("reliable_recovery", &o.reliable_recovery),
        ] {
            out.push_str(&row(section, &o.resource, &o.instrument, rate.count, Some(rate), rate.of < min));
        }
    }
    for o in &report.paired_outcomes {
        let label = o.resource.as_deref().unwrap_or("all");
        for (section, rate) in [
            ("paired_reliable_improvement", &o.reliable_improvement),
            ("paired_reliable_deterioration", &o.reliable_deterioration),
            ("paired_recovery", &o.recovery),
            ("paired_reliable_recovery", &o.reliable_recovery),
        ] {
            out.push_str(&row(section, label, "phq9+gad7", rate.count, Some(rate), rate.of < min));
        }
    }
    for w in &report.weekly_intakes {
        out.push_str(&row("week", &date(w.week_start_ms), "", w.count, None, false));
    }
    out
}

/// The heading of a client's report.
pub fn client_heading(id: &str, lang: Lang) -> String {
    fill(Text::RptClientHeading, lang, &[("id", id.to_string())])
}

fn yes_no(value: bool, lang: Lang) -> String {
    if value { Text::RptYes } else { Text::RptNo }.get(lang).to_string()
}

/// A client's paired PHQ-9 + GAD-7 outcome (NHS Talking Therapies) for a terminal, in `lang`.
pub fn client_paired_text(paired: Option<&PairedCourse>, lang: Lang) -> String {
    let mut out = format!("{}\n", Text::RptClientPaired.get(lang));
    let Some(p) = paired else {
        let _ = writeln!(out, "  {}", Text::RptClientPairedNotYet.get(lang));
        return out;
    };
    let o = &p.outcome;
    let course = [
        ("start", date(p.start_ms)),
        ("end", date(p.end_ms)),
        ("n", p.paired_encounters.to_string()),
        ("p0", p.phq9.baseline.to_string()),
        ("p1", p.phq9.latest.to_string()),
        ("g0", p.gad7.baseline.to_string()),
        ("g1", p.gad7.latest.to_string()),
    ];
    let _ = writeln!(out, "  {}", fill(Text::RptClientPairedCourse, lang, &course));
    let outcome = [
        ("case", yes_no(o.case_at_start, lang)),
        ("recovery", yes_no(o.recovery, lang)),
        ("improvement", yes_no(o.reliable_improvement, lang)),
        ("deterioration", yes_no(o.reliable_deterioration, lang)),
        ("reliable", yes_no(o.reliable_recovery, lang)),
    ];
    let _ = writeln!(out, "  {}", fill(Text::RptClientPairedOutcome, lang, &outcome));
    let _ = writeln!(out, "  ({})", Text::RptPairedDefinitions.get(lang));
    out
}

/// A client's outcomes for a terminal, in `lang`.
pub fn client_text(outcomes: &[InstrumentOutcome], lang: Lang) -> String {
    let mut out = String::new();
    if outcomes.is_empty() {
        let _ = writeln!(out, "{}", Text::RptNoMeasures.get(lang));
    }
    for o in outcomes {
        let values: Vec<u64> = o.series.iter().map(|(_, v)| (*v).max(0) as u64).collect();
        let numbers: Vec<String> = o.series.iter().map(|(_, v)| v.to_string()).collect();
        let measures = [
            ("instrument", terminal_text(&o.instrument, false)),
            ("n", o.series.len().to_string()),
            ("spark", sparkline(&values)),
            ("numbers", numbers.join(" ")),
            ("from", date(o.baseline_ms)),
            ("to", date(o.latest_ms)),
        ];
        // English has always said "1 measures"; French agrees in number.
        let text = if o.series.len() == 1 { Text::RptMeasuresOne } else { Text::RptMeasures };
        let _ = writeln!(out, "{}", fill(text, lang, &measures));
        match &o.change {
            None if o.series.len() < 2 => {
                let _ = writeln!(out, "  {}", Text::RptOneMeasure.get(lang));
            }
            None => {
                let _ = writeln!(out, "  {}", Text::RptNoChangeRule.get(lang));
            }
            Some(c) => {
                let direction = match c.direction {
                    Direction::ReliableImprovement => Text::ReliableImprovement,
                    Direction::ReliableDeterioration => Text::ReliableDeterioration,
                    Direction::NoReliableChange => Text::NoReliableChange,
                };
                let case = |b: bool| if b { Text::RptCase } else { Text::RptNotCase }.get(lang).to_string();
                let change = [
                    ("baseline", c.baseline.to_string()),
                    ("baseline_case", case(c.baseline_case)),
                    ("latest", c.latest.to_string()),
                    ("latest_case", case(c.latest_case)),
                    ("change", format!("{:+}", c.change)),
                    ("direction", direction.get(lang).to_string()),
                    ("recovery", yes_no(c.recovery, lang)),
                    ("reliable", yes_no(c.reliable_recovery, lang)),
                ];
                let _ = writeln!(out, "  {}", fill(Text::RptChange, lang, &change));
            }
        }
        if o.from_stored_totals {
            let _ = writeln!(out, "  {}", Text::RptClientStoredTotals.get(lang));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instrument::change::{Change, PairedOutcome};
    use crate::report::stats::wilson;
    use crate::report::{
        Count, FlagCount, PairedOutcomes, Period, ReferralCount, ResourceOutcome, ReviewTimes, ScreenCount, WeekCount,
    };

    /// A report with something in every section, one rate too few to say.
    fn sample() -> ServiceReport {
        ServiceReport {
            period: Period { from_ms: Some(1_767_225_600_000), to_ms: None },
            intakes: 42,
            by_origin: vec![Count { label: "staff".into(), count: 30 }, Count { label: "kiosk".into(), count: 12 }],
            by_level: vec![
                Count { label: "crisis".into(), count: 3 },
                Count { label: "2".into(), count: 20 },
                Count { label: "undecided".into(), count: 19 },
            ],
            flags: vec![
                FlagCount { flag: "phq9.suicidal_ideation".into(), critical: true, encounters: 3 },
                FlagCount { flag: "audit.dependence".into(), critical: false, encounters: 2 },
            ],
            critical_encounters: 3,
            kiosk_review: ReviewTimes {
                reviewed: 10,
                awaiting: 2,
                median_ms: Some(25 * 60_000),
                p90_ms: Some(3 * 3_600_000),
            },
            positive_screens: vec![ScreenCount { instrument: "phq9".into(), screened: 40, positive: wilson(16, 40) }],
            referrals: vec![ReferralCount { resource: "bounce-back".into(), offered: 9, chosen: 5 }],
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
            paired_outcomes: vec![PairedOutcomes {
                resource: None,
                with_follow_up: 30,
                cases_at_start: 24,
                too_few: false,
                reliable_improvement: wilson(17, 30),
                reliable_deterioration: wilson(2, 30),
                recovery: wilson(11, 24),
                reliable_recovery: wilson(10, 24),
            }],
            min_count: 10,
            weekly_intakes: (0..6).map(|w| WeekCount { week_start_ms: w * 604_800_000, count: w as u64 * 2 }).collect(),
            measures_from_stored_totals: 4,
            damaged: vec!["encounter 12".into()],
        }
    }

    fn change(instrument: &str, baseline: i64, latest: i64, direction: Direction) -> Change {
        Change {
            instrument: instrument.into(),
            baseline,
            latest,
            change: latest - baseline,
            direction,
            baseline_case: baseline >= 10,
            latest_case: latest >= 10,
            recovery: baseline >= 10 && latest < 10,
            reliable_recovery: baseline >= 10 && latest < 10 && direction == Direction::ReliableImprovement,
        }
    }

    fn outcomes() -> Vec<InstrumentOutcome> {
        let day = 86_400_000;
        vec![
            InstrumentOutcome {
                instrument: "phq9".into(),
                series: vec![(1_767_225_600_000, 15), (1_767_225_600_000 + 30 * day, 8)],
                baseline_ms: 1_767_225_600_000,
                latest_ms: 1_767_225_600_000 + 30 * day,
                change: Some(change("phq9", 15, 8, Direction::ReliableImprovement)),
                from_stored_totals: true,
            },
            InstrumentOutcome {
                instrument: "gad7".into(),
                series: vec![(1_767_225_600_000, 9)],
                baseline_ms: 1_767_225_600_000,
                latest_ms: 1_767_225_600_000,
                change: None,
                from_stored_totals: false,
            },
        ]
    }

    fn paired() -> PairedCourse {
        let phq9 = change("phq9", 16, 6, Direction::ReliableImprovement);
        let gad7 = change("gad7", 10, 9, Direction::NoReliableChange);
        PairedCourse {
            start_ms: 1_767_225_600_000,
            end_ms: 1_769_817_600_000,
            paired_encounters: 3,
            phq9,
            gad7,
            outcome: PairedOutcome {
                case_at_start: true,
                case_at_end: false,
                recovery: true,
                reliable_improvement: true,
                reliable_deterioration: false,
                reliable_recovery: true,
            },
        }
    }

    /// The English reports, byte for byte as they were before French was added.
    #[test]
    fn english_reports_are_pinned() {
        insta::assert_snapshot!("service_text_en", service_text(&sample(), Lang::En));
        insta::assert_snapshot!("service_csv", service_csv(&sample()));
        insta::assert_snapshot!("client_text_en", client_text(&outcomes(), Lang::En));
        insta::assert_snapshot!("client_paired_text_en", client_paired_text(Some(&paired()), Lang::En));
        insta::assert_snapshot!("client_paired_none_en", client_paired_text(None, Lang::En));
    }

    /// English words that must not appear in a French report (the ids "phq9", the resources'
    /// ids and "NHS Talking Therapies" are names, not English text; "total" and "clients" are French
    /// words too).
    const ENGLISH_MARKERS: [&str; 15] = [
        "Recovery",
        "recovery",
        "reliable",
        "improve",
        "Total",
        "positive",
        "encounters",
        "staff",
        "kiosk",
        "Intakes",
        "Flags",
        "critical",
        "warning",
        "too few",
        " yes",
    ];

    fn assert_no_english(text: &str) {
        for word in ENGLISH_MARKERS {
            assert!(!text.contains(word), "English {word:?} in:\n{text}");
        }
    }

    #[test]
    fn french_service_report_has_french_words_and_typography() {
        let text = service_text(&sample(), Lang::Fr);
        assert_no_english(&text);
        for expected in [
            "Rapport de service : période 2026-01-01 – maintenant",
            "Évaluations : 42",
            "Par provenance :\n  personnel",
            "  borne ",
            "Par niveau :\n  crise",
            "  niveau 2 ",
            "  à décider ",
            "phq9 · idées suicidaires",
            "critique",
            "avertissement",
            "médiane 25,0 min, 90e centile 180,0 min",
            "16/40 40,0 % (IC 95 % 26,3-55,4 %)",
            "amélioration fiable",
            "détérioration fiable",
            "rétablissement fiable",
            "2/3 : trop peu pour conclure (moins de 10)",
            "toute la clientèle : 30 avec départ et fin, 24 cas au départ",
            "Enregistrements illisibles exclus : encounter 12",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        // A colon, semicolon, question or exclamation mark always follows a space in French.
        for (i, c) in text.char_indices().filter(|(_, c)| matches!(c, ':' | ';' | '?' | '!')) {
            assert!(text[..i].ends_with(' '), "no space before {c:?} at {i}:\n{text}");
        }
        insta::assert_snapshot!("service_text_fr", text);
        // CSV stays language-neutral: the same bytes whatever the report language.
        assert!(service_csv(&sample()).contains("origin,staff,"));
    }

    #[test]
    fn french_client_report_has_french_words() {
        let text = format!(
            "{}\n{}\n{}{}",
            client_heading("0123", Lang::Fr),
            client_text(&outcomes(), Lang::Fr),
            client_paired_text(Some(&paired()), Lang::Fr),
            client_paired_text(None, Lang::Fr)
        );
        assert_no_english(&text);
        for expected in [
            "Dossier 0123",
            "phq9 : 2 mesures █▅ [15 8] du 2026-01-01 au 2026-01-31",
            "départ 15 (au-dessus du seuil clinique) -> dernière mesure 8 (sous le seuil clinique) : changement -7, amélioration fiable ; rétablissement : oui ; rétablissement fiable : oui",
            "une seule mesure : aucun changement à signaler pour l'instant",
            "PHQ-9 et GAD-7 ensemble (NHS Talking Therapies) :",
            "cas au départ : oui ; rétablissement : oui ; amélioration fiable : oui ; détérioration fiable : non",
            "pas encore : il faut les deux mesures à deux rencontres",
        ] {
            assert!(text.contains(expected), "{expected:?} missing from:\n{text}");
        }
        assert_eq!(client_text(&[], Lang::Fr), "Aucune mesure notée pour l'instant.\n");
        insta::assert_snapshot!("client_text_fr", text);
    }

    #[test]
    fn labels_keep_their_ids_in_english() {
        assert_eq!(
            (origin_words("kiosk", Lang::En), origin_words("kiosk", Lang::Fr)),
            ("kiosk".into(), "borne".into())
        );
        assert_eq!((level_words("4", Lang::En), level_words("4", Lang::Fr)), ("4".into(), "niveau 4".into()));
        assert_eq!(level_words("undecided", Lang::En), "undecided");
        assert_eq!(flag_label("phq9.suicidal_ideation", Lang::En), "phq9.suicidal_ideation");
        assert_eq!(flag_label("odd", Lang::Fr), "odd");
    }
}
