//! Cells of the agent-level files, appended to a line without a
//! formatting pass or an allocation each: a year of a big city's firms is
//! millions of cells, and `format!` with a fixed precision (`{:.3}`) costs
//! a few hundred nanoseconds a float. Integers go through `itoa`; decimals
//! are rounded once to an integer of thousandths (or cents, or millionths)
//! and written as digits, the same text `{:.N}` writes (values within a
//! millionth of a tie after the scaling are left to `format!`, which
//! rounds the exact binary value).

/// Appends `x`.
#[inline]
pub fn int(line: &mut String, x: impl itoa::Integer) {
    line.push_str(itoa::Buffer::new().format(x));
}

/// Appends `cents` as yuan with two decimals, exactly (`-0.50`, `1234.05`),
/// as [`crate::metrics::yuan_text`] writes them.
#[inline]
pub fn yuan(line: &mut String, cents: i64) {
    let abs = cents.unsigned_abs();
    if cents < 0 {
        line.push('-');
    }
    int(line, abs / 100);
    line.push('.');
    let frac = abs % 100;
    if frac < 10 {
        line.push('0');
    }
    int(line, frac);
}

/// Appends `x` with `places` decimals (at most 9): `x` times 10^places
/// rounded half away from zero, written as digits. Values too large for
/// that (beyond 10^15 in magnitude once scaled) and non-finite ones are
/// written by `format!`.
#[inline]
pub fn fixed(line: &mut String, x: f64, places: u32) {
    let scale = 10u64.pow(places.min(9));
    let y = x * scale as f64;
    let scaled = y.round();
    // Near a tie the product's rounding could decide the last digit
    // differently from the exact decimal value: `format!` decides it.
    let near_tie = ((y - y.trunc()).abs() - 0.5).abs() < 1e-6;
    if !scaled.is_finite() || scaled.abs() >= 1e15 || near_tie {
        line.push_str(&format!("{x:.*}", places as usize));
        return;
    }
    let n = scaled as i64;
    let abs = n.unsigned_abs();
    if n < 0 {
        line.push('-');
    } else if x.is_sign_negative() {
        // A small negative value rounded to zero (or -0) keeps its sign,
        // as `format!` writes it.
        line.push('-');
    }
    int(line, abs / scale);
    if places > 0 {
        line.push('.');
        let frac = abs % scale;
        let digits = itoa::Buffer::new().format(frac).len() as u32;
        for _ in digits..places {
            line.push('0');
        }
        int(line, frac);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_format_writes_them() {
        let mut line = String::new();
        for cents in [0, 5, -5, 50, -50, 123_405, -123_405, i64::MAX, i64::MIN + 1] {
            line.clear();
            yuan(&mut line, cents);
            assert_eq!(line, crate::metrics::yuan_text(cents as i128), "{cents}");
        }
        // Values away from ties: the same text as `{:.N}`.
        for x in [
            0.0,
            1.0,
            -1.0,
            0.25,
            3.14158,
            -2.71827,
            1234.5678,
            1e-7,
            -1e-7,
            99.9996,
            4148.133,
            1e12 + 0.37,
            -0.0,
        ] {
            for places in [0u32, 2, 3, 6] {
                line.clear();
                fixed(&mut line, x, places);
                assert_eq!(line, format!("{x:.*}", places as usize), "{x} to {places}");
            }
        }
        line.clear();
        fixed(&mut line, f64::INFINITY, 3);
        assert_eq!(line, "inf");
        line.clear();
        int(&mut line, -42i64);
        assert_eq!(line, "-42");
    }
}
