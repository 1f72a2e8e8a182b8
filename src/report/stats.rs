//! Small statistics used by the reports: Wilson score intervals and percentiles. Pure.

use serde::{Deserialize, Serialize};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// A proportion with its 95% Wilson score interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub count: u64,
    pub of: u64,
    /// `count / of` (0 when `of` is 0).
    pub rate: f64,
    pub low: f64,
    pub high: f64,
}

/// The Wilson score interval for `count` successes in `of` trials (Wilson 1927). With no
/// trials the interval is the whole range [0, 1].
pub fn wilson(count: u64, of: u64) -> Rate {
    if of == 0 {
        return Rate { count, of, rate: 0.0, low: 0.0, high: 1.0 };
    }
    let n = of as f64;
    let p = count.min(of) as f64 / n;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denominator;
    Rate { count, of, rate: p, low: (centre - half).max(0.0), high: (centre + half).min(1.0) }
}

/// Nearest-rank percentile (`p` in 0..=100) of sorted values; `None` when empty.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p.min(100)) * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(rank as usize - 1).copied()
}

/// The median of sorted values (mean of the two middle values, rounded down, for an even count).
pub fn median(sorted: &[i64]) -> Option<i64> {
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some(sorted[n / 2 - 1] + (sorted[n / 2] - sorted[n / 2 - 1]) / 2),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), Table I: 81/263 -> 0.2553 to 0.3662; 15/148 -> 0.0624 to 0.1605.
        let r = wilson(81, 263);
        assert!(close(r.low, 0.2553) && close(r.high, 0.3662), "{r:?}");
        let r = wilson(15, 148);
        assert!(close(r.low, 0.0624) && close(r.high, 0.1605), "{r:?}");
        // 0/20 -> 0 to 0.1611; 20/20 -> 0.8389 to 1.
        let r = wilson(0, 20);
        assert!(close(r.low, 0.0) && close(r.high, 0.1611), "{r:?}");
        let r = wilson(20, 20);
        assert!(close(r.low, 0.8389) && close(r.high, 1.0), "{r:?}");
    }

    #[test]
    fn wilson_without_trials_is_uninformative() {
        let r = wilson(0, 0);
        assert_eq!((r.low, r.high, r.rate), (0.0, 1.0, 0.0));
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        let values: Vec<i64> = (1..=10).collect();
        assert_eq!(percentile(&values, 90), Some(9));
        assert_eq!(percentile(&values, 50), Some(5));
        assert_eq!(percentile(&values, 100), Some(10));
        assert_eq!(percentile(&[7], 90), Some(7));
        assert_eq!(percentile(&[], 90), None);
        assert_eq!(median(&values), Some(5));
        assert_eq!(median(&[1, 2, 9]), Some(2));
        assert_eq!(median(&[]), None);
    }
}
