//! The behavioural rules of the model, one small pure function each.
//!
//! Each rule states in its doc comment what it does, in words and in the
//! scenario's parameter names, and has unit tests of its economics:
//! direction, limits and edge cases. The phases in [`crate::step`] gather a
//! rule's inputs, call it and apply the result; the machinery of a fast
//! pass (prefetching, blocks, bitmaps, packing) stays there and never
//! hides a rule. docs/MODEL.md describes the same rules for economists.
//!
//! | rule | function | phase |
//! |---|---|---|
//! | job value, offer acceptance, layoff chance | [`labour`] | labour |
//! | budget, supplier score and switch, rationing share, sale | [`goods`] | goods |
//! | demand expectation, wage and price revision, vacancies and layoffs | [`firms`] | plan |
//! | exit rule, profit tax, dividend | [`firms`] | incomes |
//! | zone value, move decision, rent revision | [`housing`] | housing |
//! | founding hazard, project capital | [`founding`] | entrepreneurship |
//! | capital needed, its output factor and cost, investment and its finance | [`capital`] | plan, production |
//! | trend output, government purchases, deficit rule | [`fiscal`] | goods, incomes |
//! | policy rate, interest, credit lines, repayment | [`bank`] | plan, incomes, close |
//! | well-being | [`wellbeing`] | metrics |
//! | telework | [`telework`] | labour, housing, metrics |

pub mod bank;
pub mod capital;
pub mod firms;
pub mod fiscal;
pub mod founding;
pub mod goods;
pub mod housing;
pub mod labour;
pub mod telework;
pub mod wellbeing;

/// An amount in cents from a float, truncated toward zero: 0 when it is not
/// positive or not a number, and at most 2^61, a quarter of the `i64` range
/// (so that sums of a few such amounts cannot overflow).
#[inline]
pub fn cents(amount: f64) -> i64 {
    if amount.is_finite() && amount > 0.0 {
        amount.min(i64::MAX as f64 / 4.0) as i64
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_are_whole_non_negative_and_bounded() {
        assert_eq!(cents(12.9), 12);
        assert_eq!(cents(-3.0), 0);
        assert_eq!(cents(f64::NAN), 0);
        assert_eq!(cents(f64::INFINITY), 0);
        assert_eq!(cents(1e30), i64::MAX / 4 + 1);
    }
}
