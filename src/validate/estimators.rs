//! Estimators for the stylized facts: trend and cycle (Hodrick-Prescott),
//! least squares, correlation, inequality (Gini, top shares), power-law
//! tails (Clauset, Shalizi and Newman 2009) and the shape of growth rates
//! (kurtosis). Every function takes its data in a fixed order and sums it
//! in that order, so its result does not depend on threads.

/// The Hodrick-Prescott smoothing parameter for quarterly data (Hodrick
/// and Prescott 1997; Ravn and Uhlig 2002 scale it by the fourth power of
/// the frequency ratio: 6.25 for yearly, 129,600 for monthly data).
pub const HP_LAMBDA_QUARTERLY: f64 = 1600.0;

/// Hodrick-Prescott filter: the trend t minimising the squared cycle
/// sum (y - t)^2 plus `lambda` times the sum of squared second
/// differences of t. Solves (I + lambda D'D) t = y, a symmetric
/// pentadiagonal system, by an LDL' factorisation in O(n). Returns
/// (trend, cycle). Series of fewer than 3 points are their own trend.
pub fn hp_filter(y: &[f64], lambda: f64) -> (Vec<f64>, Vec<f64>) {
    let n = y.len();
    if n < 3 || lambda <= 0.0 {
        return (y.to_vec(), vec![0.0; n]);
    }
    // The bands of A = I + lambda D'D: diagonal a, first and second
    // off-diagonals b and c.
    let mut a = vec![0.0; n];
    let mut b = vec![0.0; n];
    let mut c = vec![0.0; n];
    for i in 0..n {
        // Row i of D'D: the number of second differences touching i.
        let d = if i == 0 || i == n - 1 {
            1.0
        } else if i == 1 || i == n - 2 {
            5.0
        } else {
            6.0
        };
        a[i] = 1.0 + lambda * d;
        if i + 1 < n {
            let e = if i == 0 || i + 1 == n - 1 { -2.0 } else { -4.0 };
            b[i] = lambda * e;
        }
        if i + 2 < n {
            c[i] = lambda;
        }
    }
    // LDL' of a symmetric pentadiagonal matrix: L has unit diagonal and
    // two sub-diagonals l1, l2; D is diagonal.
    let mut dg = vec![0.0; n];
    let mut l1 = vec![0.0; n];
    let mut l2 = vec![0.0; n];
    for i in 0..n {
        let mut d = a[i];
        if i >= 1 {
            d -= l1[i - 1] * l1[i - 1] * dg[i - 1];
        }
        if i >= 2 {
            d -= l2[i - 2] * l2[i - 2] * dg[i - 2];
        }
        dg[i] = d;
        if i + 1 < n {
            let mut e = b[i];
            if i >= 1 {
                e -= l2[i - 1] * l1[i - 1] * dg[i - 1];
            }
            l1[i] = e / d;
        }
        if i + 2 < n {
            l2[i] = c[i] / d;
        }
    }
    // Forward (L z = y), diagonal, backward (L' t = z / D).
    let mut z = vec![0.0; n];
    for i in 0..n {
        let mut v = y[i];
        if i >= 1 {
            v -= l1[i - 1] * z[i - 1];
        }
        if i >= 2 {
            v -= l2[i - 2] * z[i - 2];
        }
        z[i] = v;
    }
    let mut t = vec![0.0; n];
    for i in (0..n).rev() {
        let mut v = z[i] / dg[i];
        if i + 1 < n {
            v -= l1[i] * t[i + 1];
        }
        if i + 2 < n {
            v -= l2[i] * t[i + 2];
        }
        t[i] = v;
    }
    let cycle = y.iter().zip(&t).map(|(y, t)| y - t).collect();
    (t, cycle)
}

/// A least-squares line y = intercept + slope x.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Line {
    /// Slope.
    pub slope: f64,
    /// Intercept.
    pub intercept: f64,
    /// Share of the variance of y the line explains (R-squared).
    pub r2: f64,
    /// Points fitted.
    pub n: usize,
}

/// Ordinary least squares of `y` on `x` (pairs in order). `None` with
/// fewer than 2 points or no spread in x.
pub fn ols(x: &[f64], y: &[f64]) -> Option<Line> {
    let n = x.len().min(y.len());
    if n < 2 {
        return None;
    }
    let mx = x[..n].iter().sum::<f64>() / n as f64;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    let (mut sxx, mut sxy, mut syy) = (0.0, 0.0, 0.0);
    for (xi, yi) in x[..n].iter().zip(&y[..n]) {
        let (dx, dy) = (xi - mx, yi - my);
        sxx += dx * dx;
        sxy += dx * dy;
        syy += dy * dy;
    }
    if sxx <= 0.0 {
        return None;
    }
    let slope = sxy / sxx;
    let r2 = if syy > 0.0 {
        sxy * sxy / (sxx * syy)
    } else {
        1.0
    };
    Some(Line {
        slope,
        intercept: my - slope * mx,
        r2,
        n,
    })
}

/// Pearson's correlation of `x` and `y` (pairs in order); `None` with
/// fewer than 2 points or no spread in either.
pub fn correlation(x: &[f64], y: &[f64]) -> Option<f64> {
    let line = ols(x, y)?;
    let n = line.n;
    let my = y[..n].iter().sum::<f64>() / n as f64;
    if y[..n].iter().all(|v| *v == my) {
        return None;
    }
    Some(line.r2.sqrt().copysign(line.slope))
}

/// Gini coefficient of non-negative amounts (negative ones count as 0):
/// sum over ranks i (1-based, ascending) of (2i - n - 1) x_i, over n times
/// the total. 0 when all are equal; (n - 1) / n when one holds everything;
/// 0 for an empty or all-zero list.
pub fn gini(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().map(|x| x.max(0.0)).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len() as f64;
    let total: f64 = v.iter().sum();
    if v.is_empty() || total <= 0.0 {
        return 0.0;
    }
    let weighted: f64 = v
        .iter()
        .enumerate()
        .map(|(i, x)| (2.0 * (i as f64 + 1.0) - n - 1.0) * x)
        .sum();
    weighted / (n * total)
}

/// The share of the total held by the top `share` (0 to 1) of the
/// holders, counting ceil(share x n) holders; negative amounts count as 0.
pub fn top_share(values: &[f64], share: f64) -> f64 {
    let mut v: Vec<f64> = values.iter().map(|x| x.max(0.0)).collect();
    v.sort_by(|a, b| b.total_cmp(a));
    let total: f64 = v.iter().sum();
    if v.is_empty() || total <= 0.0 {
        return 0.0;
    }
    let k = ((share.clamp(0.0, 1.0) * v.len() as f64).ceil() as usize).min(v.len());
    v[..k].iter().sum::<f64>() / total
}

/// Excess kurtosis: the fourth central moment over the squared variance,
/// less 3 (0 for a normal distribution, 3 for the Laplace "tent" of firm
/// growth rates, Stanley et al. 1996). `None` below 4 values or with no
/// spread.
pub fn excess_kurtosis(values: &[f64]) -> Option<f64> {
    let n = values.len();
    if n < 4 {
        return None;
    }
    let m = values.iter().sum::<f64>() / n as f64;
    let (mut m2, mut m4) = (0.0, 0.0);
    for v in values {
        let d = (v - m) * (v - m);
        m2 += d;
        m4 += d * d;
    }
    let (m2, m4) = (m2 / n as f64, m4 / n as f64);
    (m2 > 0.0).then(|| m4 / (m2 * m2) - 3.0)
}

/// A power-law fit of a tail: P(X >= x) ~ x^-(alpha - 1) for x >= x_min.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerLaw {
    /// The exponent of the density, alpha (Zipf's law for firm sizes is
    /// alpha near 2: Axtell 2001).
    pub alpha: f64,
    /// The smallest value in the tail.
    pub x_min: f64,
    /// Values in the tail.
    pub n_tail: usize,
    /// Kolmogorov-Smirnov distance between the tail and the fit.
    pub ks: f64,
}

/// The maximum-likelihood exponent of a continuous power law above
/// `x_min`: alpha = 1 + n / sum ln(x / x_min) over the n values at or
/// above `x_min` (Clauset, Shalizi and Newman 2009, eq. 3.1). For integer
/// data (firm sizes) pass `x_min - 0.5` as the reference, their eq. 3.7.
pub fn power_law_alpha(values: &[f64], x_min: f64, reference: f64) -> Option<f64> {
    let tail: Vec<f64> = values.iter().copied().filter(|&x| x >= x_min).collect();
    if tail.len() < 2 || reference <= 0.0 {
        return None;
    }
    let logs: f64 = tail.iter().map(|x| (x / reference).ln()).sum();
    (logs > 0.0).then(|| 1.0 + tail.len() as f64 / logs)
}

/// Candidate thresholds a power-law fit tries at most.
pub const MAX_CANDIDATES: usize = 400;

/// Fits a power-law tail as Clauset, Shalizi and Newman (2009) do: for
/// each candidate x_min (each distinct value leaving at least
/// `min_tail` values in the tail; at most [`MAX_CANDIDATES`] of them,
/// evenly spaced by rank) the maximum-likelihood alpha, and the
/// x_min whose fit is closest to the tail in Kolmogorov-Smirnov distance.
/// `discrete` uses their approximation for integer data.
pub fn fit_power_law(values: &[f64], min_tail: usize, discrete: bool) -> Option<PowerLaw> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| *x > 0.0).collect();
    v.sort_by(f64::total_cmp);
    let mut candidates: Vec<f64> = v.clone();
    candidates.dedup();
    // At most `MAX_CANDIDATES` of them, evenly spaced by rank: the search
    // is quadratic in the candidates tried.
    if candidates.len() > MAX_CANDIDATES {
        let step = candidates.len() as f64 / MAX_CANDIDATES as f64;
        candidates = (0..MAX_CANDIDATES)
            .map(|k| candidates[(k as f64 * step) as usize])
            .collect();
    }
    let mut best: Option<PowerLaw> = None;
    for &x_min in &candidates {
        let start = v.partition_point(|&x| x < x_min);
        let tail = &v[start..];
        if tail.len() < min_tail.max(2) {
            break;
        }
        let reference = if discrete { x_min - 0.5 } else { x_min };
        let Some(alpha) = power_law_alpha(tail, x_min, reference) else {
            continue;
        };
        // KS distance between the empirical and fitted tail CDFs.
        let n = tail.len() as f64;
        let mut ks: f64 = 0.0;
        for (i, &x) in tail.iter().enumerate() {
            let fitted = 1.0 - (x / reference).powf(1.0 - alpha);
            let below = i as f64 / n;
            let at = (i + 1) as f64 / n;
            ks = ks.max((fitted - below).abs()).max((fitted - at).abs());
        }
        if best.is_none_or(|b| ks < b.ks) {
            best = Some(PowerLaw {
                alpha,
                x_min,
                n_tail: tail.len(),
                ks,
            });
        }
    }
    best
}

/// Growth per year, per cent, of a series observed every `months_apart`
/// months: the least-squares slope of its logarithm (positive values
/// only), as a compound rate.
pub fn growth_per_year(series: &[f64], months_apart: f64) -> Option<f64> {
    let (x, y): (Vec<f64>, Vec<f64>) = series
        .iter()
        .enumerate()
        .filter(|(_, v)| **v > 0.0)
        .map(|(i, v)| (i as f64 * months_apart / 12.0, v.ln()))
        .unzip();
    ols(&x, &y).map(|l| (l.slope.exp() - 1.0) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{Phase, normal, stream, unit};

    #[test]
    fn hp_leaves_a_straight_line_and_removes_a_cycle_around_it() {
        let line: Vec<f64> = (0..40).map(|t| 3.0 + 0.5 * t as f64).collect();
        let (trend, cycle) = hp_filter(&line, HP_LAMBDA_QUARTERLY);
        for (t, y) in trend.iter().zip(&line) {
            assert!((t - y).abs() < 1e-8, "{t} vs {y}");
        }
        assert!(cycle.iter().all(|c| c.abs() < 1e-8));
        // A line plus a fast cycle: the trend stays near the line, the
        // cycle near the wave.
        let wave: Vec<f64> = (0..80)
            .map(|t| (t as f64 * std::f64::consts::PI / 2.0).sin())
            .collect();
        let y: Vec<f64> = (0..80).map(|t| 0.2 * t as f64 + wave[t]).collect();
        let (trend, cycle) = hp_filter(&y, HP_LAMBDA_QUARTERLY);
        for t in 10..70 {
            assert!(
                (trend[t] - 0.2 * t as f64).abs() < 0.05,
                "trend at {t}: {}",
                trend[t]
            );
            assert!((cycle[t] - wave[t]).abs() < 0.05, "cycle at {t}");
        }
    }

    #[test]
    fn hp_solves_its_normal_equations() {
        // (I + lambda D'D) t = y, checked row by row on a random series.
        let mut rng = stream(3, 0, Phase::Setup, 1);
        let y: Vec<f64> = (0..25).map(|_| normal(&mut rng)).collect();
        let lambda = 100.0;
        let (t, _) = hp_filter(&y, lambda);
        let n = y.len();
        // D'D t: second differences, then their transpose.
        let d2: Vec<f64> = (0..n - 2)
            .map(|i| t[i] - 2.0 * t[i + 1] + t[i + 2])
            .collect();
        for i in 0..n {
            let mut dtd = 0.0;
            for (k, d) in d2.iter().enumerate() {
                let w = if i == k || i == k + 2 {
                    1.0
                } else if i == k + 1 {
                    -2.0
                } else {
                    0.0
                };
                dtd += w * d;
            }
            assert!((t[i] + lambda * dtd - y[i]).abs() < 1e-9, "row {i}");
        }
    }

    #[test]
    fn least_squares_finds_a_known_gradient() {
        let x: Vec<f64> = (0..50).map(|i| i as f64 * 0.5).collect();
        let y: Vec<f64> = x.iter().map(|x| 8.0 - 0.12 * x).collect();
        let l = ols(&x, &y).expect("a line");
        assert!((l.slope + 0.12).abs() < 1e-12 && (l.intercept - 8.0).abs() < 1e-12);
        assert!((l.r2 - 1.0).abs() < 1e-12);
        // With noise the slope stays close and R-squared falls below 1.
        let mut rng = stream(4, 0, Phase::Setup, 1);
        let noisy: Vec<f64> = y.iter().map(|y| y + 0.3 * normal(&mut rng)).collect();
        let l = ols(&x, &noisy).expect("a line");
        assert!(
            (l.slope + 0.12).abs() < 0.02 && l.r2 < 1.0 && l.r2 > 0.5,
            "{l:?}"
        );
        assert!(ols(&[1.0, 1.0], &[2.0, 3.0]).is_none(), "no spread in x");
        assert_eq!(correlation(&x, &y), Some(-1.0));
    }

    #[test]
    fn gini_and_top_shares_of_known_distributions() {
        assert_eq!(gini(&[5.0; 10]), 0.0);
        assert!((gini(&[0.0, 0.0, 0.0, 1.0]) - 0.75).abs() < 1e-12);
        assert!((gini(&[1.0, 2.0, 3.0, 4.0]) - 0.25).abs() < 1e-12);
        assert_eq!(gini(&[]), 0.0);
        // A uniform distribution on [0, 1] has Gini 1/3.
        let uniform: Vec<f64> = (0..100_000).map(|i| (i as f64 + 0.5) / 100_000.0).collect();
        assert!((gini(&uniform) - 1.0 / 3.0).abs() < 1e-4);
        // Pareto with alpha 3 (density exponent): Gini 1 / (2 (alpha - 1) - 1) = 1/3.
        let mut rng = stream(5, 0, Phase::Setup, 1);
        let pareto: Vec<f64> = (0..200_000)
            .map(|_| (1.0 - unit(&mut rng)).powf(-1.0 / 2.0))
            .collect();
        assert!(
            (gini(&pareto) - 1.0 / 3.0).abs() < 0.01,
            "{}",
            gini(&pareto)
        );
        assert!((top_share(&[1.0; 10], 0.1) - 0.1).abs() < 1e-12);
        assert_eq!(top_share(&[0.0, 0.0, 0.0, 9.0], 0.25), 1.0);
    }

    #[test]
    fn kurtosis_tells_a_tent_from_a_bell() {
        let mut rng = stream(6, 0, Phase::Setup, 1);
        let bell: Vec<f64> = (0..200_000).map(|_| normal(&mut rng)).collect();
        let tent: Vec<f64> = (0..200_000)
            .map(|_| {
                let u = unit(&mut rng) - 0.5;
                -u.signum() * (1.0 - 2.0 * u.abs()).ln()
            })
            .collect();
        let (b, t) = (
            excess_kurtosis(&bell).unwrap(),
            excess_kurtosis(&tent).unwrap(),
        );
        assert!(b.abs() < 0.1, "normal: {b}");
        assert!((t - 3.0).abs() < 0.3, "Laplace: {t}");
        assert!(excess_kurtosis(&[1.0, 1.0, 1.0, 1.0]).is_none());
    }

    #[test]
    fn power_law_fits_recover_a_known_exponent_and_threshold() {
        // Below 10: uniform noise; above: a Pareto tail of alpha 2.0.
        let mut rng = stream(7, 0, Phase::Setup, 1);
        let mut values: Vec<f64> = (0..20_000).map(|_| 1.0 + 9.0 * unit(&mut rng)).collect();
        values.extend((0..20_000).map(|_| 10.0 * (1.0 - unit(&mut rng)).powf(-1.0)));
        let exact = power_law_alpha(&values, 10.0, 10.0).expect("a tail");
        assert!(
            (exact - 2.0).abs() < 0.03,
            "alpha at the true x_min: {exact}"
        );
        let fit = fit_power_law(&values, 100, false).expect("a fit");
        assert!((fit.alpha - 2.0).abs() < 0.1, "{fit:?}");
        assert!((fit.x_min - 10.0).abs() < 2.0, "{fit:?}");
        // Integer sizes of a discrete tail of alpha 2.5 above 10: a
        // continuous power law above 9.5, rounded (the approximation of
        // their eq. 3.7, which the reference x_min - 0.5 undoes).
        let sizes: Vec<f64> = (0..50_000)
            .map(|_| (9.5 * (1.0 - unit(&mut rng)).powf(-1.0 / 1.5)).round())
            .collect();
        let discrete = power_law_alpha(&sizes, 10.0, 9.5).expect("a tail");
        assert!((discrete - 2.5).abs() < 0.1, "discrete: {discrete}");
        let fit = fit_power_law(&sizes, 100, true).expect("a fit");
        assert!((fit.alpha - 2.5).abs() < 0.15, "{fit:?}");
    }

    #[test]
    fn growth_per_year_of_a_compound_series() {
        let monthly: Vec<f64> = (0..120)
            .map(|m| 100.0 * 1.02f64.powf(m as f64 / 12.0))
            .collect();
        let g = growth_per_year(&monthly, 1.0).expect("growth");
        assert!((g - 2.0).abs() < 1e-9, "{g}");
        let yearly: Vec<f64> = (0..10).map(|y| 50.0 * 0.97f64.powi(y)).collect();
        let g = growth_per_year(&yearly, 12.0).expect("growth");
        assert!((g + 3.0).abs() < 1e-9, "{g}");
    }
}
