//! Plain-text and CSV renderings of reports. Pure. Every label that could have come from a user
//! or a file is sanitised for the terminal (`terminal_text`) or a spreadsheet (`csv_cell`).

use std::fmt::Write as _;

use super::{InstrumentOutcome, PairedCourse, PairedOutcomes, Rate, ServiceReport};
use crate::instrument::Direction;
use crate::sanitize::{csv_cell, terminal_text};
use crate::store::format_time;

fn pct(rate: &Rate) -> String {
    format!("{:.1}% (95% CI {:.1}-{:.1}%)", rate.rate * 100.0, rate.low * 100.0, rate.high * 100.0)
}

/// `count/of rate (CI)`, or "too few to say" below `min`.
pub fn rate_text(rate: &Rate, min: u64) -> String {
    if rate.of < min {
        format!("{}/{}: too few to say (fewer than {min})", rate.count, rate.of)
    } else {
        format!("{}/{} {}", rate.count, rate.of, pct(rate))
    }
}

fn minutes(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".into(), |ms| format!("{:.1} min", ms as f64 / 60_000.0))
}

fn date(ms: i64) -> String {
    format_time(ms).chars().take(10).collect()
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

/// The service report for a terminal.
pub fn service_text(report: &ServiceReport) -> String {
    let mut out = String::new();
    let from = report.period.from_ms.map_or_else(|| "the beginning".into(), date);
    let to = report.period.to_ms.map_or_else(|| "now".into(), date);
    let _ = writeln!(out, "Service report: {from} to {to}");
    let _ = writeln!(out, "Intakes: {}", report.intakes);
    if !report.weekly_intakes.is_empty() {
        let weeks: Vec<u64> = report.weekly_intakes.iter().map(|w| w.count).collect();
        let _ = writeln!(out, "Per week: {} ({} weeks)", sparkline(&weeks), weeks.len());
    }
    for (title, counts) in [("By origin", &report.by_origin), ("By level", &report.by_level)] {
        let _ = writeln!(out, "\n{title}:");
        let max = counts.iter().map(|c| c.count).max().unwrap_or(0);
        for c in counts {
            let _ = writeln!(out, "  {:<12} {:>7} {}", terminal_text(&c.label, false), c.count, bar(c.count, max, 30));
        }
    }
    let _ = writeln!(out, "\nFlags ({} encounters with a critical flag or crisis action):", report.critical_encounters);
    for f in &report.flags {
        let kind = if f.critical { "critical" } else { "warning" };
        let _ = writeln!(out, "  {:<28} {:<8} {:>7}", terminal_text(&f.flag, false), kind, f.encounters);
    }
    let r = &report.kiosk_review;
    let _ = writeln!(
        out,
        "\nKiosk submission to staff review: median {}, 90th percentile {} ({} reviewed, {} awaiting)",
        minutes(r.median_ms),
        minutes(r.p90_ms),
        r.reviewed,
        r.awaiting
    );
    let _ = writeln!(out, "\nPositive screens:");
    for s in &report.positive_screens {
        let _ = writeln!(out, "  {:<10} {}", terminal_text(&s.instrument, false), rate_text(&s.positive, 1));
    }
    let _ = writeln!(out, "\nReferrals by resource (offered / chosen):");
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
    let _ = writeln!(
        out,
        "\nOutcomes by resource (clients referred with a follow-up measure; minimum {} to report a rate):",
        report.min_count
    );
    if report.outcomes_by_resource.is_empty() {
        let _ = writeln!(out, "  no referred client has a follow-up measure yet");
    }
    for o in &report.outcomes_by_resource {
        let _ = writeln!(
            out,
            "  {} · {}: {} with follow-up, {} cases at baseline",
            terminal_text(&o.resource, false),
            terminal_text(&o.instrument, false),
            o.with_follow_up,
            o.cases_at_baseline
        );
        let min = report.min_count;
        let _ = writeln!(out, "    reliable improvement   {}", rate_text(&o.reliable_improvement, min));
        let _ = writeln!(out, "    reliable deterioration {}", rate_text(&o.reliable_deterioration, min));
        let _ = writeln!(out, "    recovery               {}", rate_text(&o.recovery, min));
        let _ = writeln!(out, "    reliable recovery      {}", rate_text(&o.reliable_recovery, min));
    }
    let _ = writeln!(
        out,
        "\nNHS Talking Therapies outcomes, PHQ-9 and GAD-7 together (clients with paired measures; {}):",
        PAIRED_DEFINITIONS
    );
    if report.paired_outcomes.is_empty() {
        let _ = writeln!(out, "  no client has the PHQ-9 and the GAD-7 at two encounters yet");
    }
    for o in &report.paired_outcomes {
        paired_lines(&mut out, o, report.min_count);
    }
    if report.measures_from_stored_totals > 0 {
        let _ = writeln!(
            out,
            "\n{} measures used a stored total (no item answers were stored for them).",
            report.measures_from_stored_totals
        );
    }
    if !report.damaged.is_empty() {
        let _ = writeln!(out, "\nUnreadable records left out: {}", terminal_text(&report.damaged.join(", "), false));
    }
    out
}

/// The patient-level definitions, as printed beside the figures (README "Outcomes").
pub const PAIRED_DEFINITIONS: &str = "a case at the start = PHQ-9 >= 10 or GAD-7 >= 8; recovery = a case at the start \
     and below both at the end; reliable improvement = PHQ-9 down 6 or GAD-7 down 4, neither up as much; reliable \
     deterioration = either up as much; reliable recovery = both recovery and reliable improvement";

fn paired_lines(out: &mut String, o: &PairedOutcomes, min: u64) {
    let who = o.resource.as_deref().map_or_else(|| "all clients".to_string(), |r| terminal_text(r, false));
    let _ = writeln!(out, "  {who}: {} with start and end, {} cases at the start", o.with_follow_up, o.cases_at_start);
    let _ = writeln!(out, "    reliable improvement   {}", rate_text(&o.reliable_improvement, min));
    let _ = writeln!(out, "    reliable deterioration {}", rate_text(&o.reliable_deterioration, min));
    let _ = writeln!(out, "    recovery               {}", rate_text(&o.recovery, min));
    let _ = writeln!(out, "    reliable recovery      {}", rate_text(&o.reliable_recovery, min));
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

/// A client's paired PHQ-9 + GAD-7 outcome (NHS Talking Therapies) for a terminal.
pub fn client_paired_text(paired: Option<&PairedCourse>) -> String {
    let mut out = String::from("PHQ-9 and GAD-7 together (NHS Talking Therapies):\n");
    let Some(p) = paired else {
        out.push_str("  not yet: needs both measured at two encounters\n");
        return out;
    };
    let yes = |b: bool| if b { "yes" } else { "no" };
    let o = &p.outcome;
    let _ = writeln!(
        out,
        "  {} to {} ({} paired encounters): PHQ-9 {} -> {}, GAD-7 {} -> {}",
        date(p.start_ms),
        date(p.end_ms),
        p.paired_encounters,
        p.phq9.baseline,
        p.phq9.latest,
        p.gad7.baseline,
        p.gad7.latest
    );
    let _ = writeln!(
        out,
        "  case at the start: {}; recovery: {}; reliable improvement: {}; reliable deterioration: {}; reliable recovery: {}",
        yes(o.case_at_start),
        yes(o.recovery),
        yes(o.reliable_improvement),
        yes(o.reliable_deterioration),
        yes(o.reliable_recovery)
    );
    let _ = writeln!(out, "  ({PAIRED_DEFINITIONS})");
    out
}

/// A client's outcomes for a terminal.
pub fn client_text(outcomes: &[InstrumentOutcome]) -> String {
    let mut out = String::new();
    if outcomes.is_empty() {
        out.push_str("No scored measures yet.\n");
    }
    for o in outcomes {
        let values: Vec<u64> = o.series.iter().map(|(_, v)| (*v).max(0) as u64).collect();
        let numbers: Vec<String> = o.series.iter().map(|(_, v)| v.to_string()).collect();
        let _ = writeln!(
            out,
            "{}: {} measures {} [{}] from {} to {}",
            terminal_text(&o.instrument, false),
            o.series.len(),
            sparkline(&values),
            numbers.join(" "),
            date(o.baseline_ms),
            date(o.latest_ms)
        );
        match &o.change {
            None if o.series.len() < 2 => {
                let _ = writeln!(out, "  one measure: no change to report yet");
            }
            None => {
                let _ = writeln!(out, "  no change rule for this instrument");
            }
            Some(c) => {
                let direction = match c.direction {
                    Direction::ReliableImprovement => "reliable improvement",
                    Direction::ReliableDeterioration => "reliable deterioration",
                    Direction::NoReliableChange => "no reliable change",
                };
                let case = |b: bool| if b { "case" } else { "not a case" };
                let _ = writeln!(
                    out,
                    "  baseline {} ({}) -> latest {} ({}): change {:+}, {direction}; recovery: {}; reliable recovery: {}",
                    c.baseline,
                    case(c.baseline_case),
                    c.latest,
                    case(c.latest_case),
                    c.change,
                    if c.recovery { "yes" } else { "no" },
                    if c.reliable_recovery { "yes" } else { "no" },
                );
            }
        }
        if o.from_stored_totals {
            let _ = writeln!(out, "  (some measures use a stored total: no item answers were stored)");
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
        insta::assert_snapshot!("service_text_en", service_text(&sample()));
        insta::assert_snapshot!("service_csv", service_csv(&sample()));
        insta::assert_snapshot!("client_text_en", client_text(&outcomes()));
        insta::assert_snapshot!("client_paired_text_en", client_paired_text(Some(&paired())));
        insta::assert_snapshot!("client_paired_none_en", client_paired_text(None));
    }
}
