//! The only source of randomness in polis.
//!
//! Every random draw comes from a stream keyed by (seed, month, phase, agent
//! id). Keying is a few integer multiplications (SplitMix64 finalisers), and
//! the stream itself is PCG-64 MCG (`rand_pcg::Pcg64Mcg`), a small named
//! generator whose output `rand_pcg` keeps stable across releases. Because a
//! stream depends only on its key, the draws an agent sees do not depend on
//! which thread runs it or in what order agents are visited: this is what
//! makes output byte-identical for any thread count.
//!
//! This module must never read the clock, the OS or a thread-local generator.

use rand::Rng;
use rand_pcg::Pcg64Mcg;

/// The generator every agent draws from.
pub type AgentRng = Pcg64Mcg;

/// The phase a draw belongs to; part of the stream key, so that two phases
/// never share draws for the same agent in the same month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Building the city and its agents (month 0).
    Setup = 0,
    /// Scenario events.
    Events = 1,
    /// Platform adoption.
    Platforms = 2,
    /// Founding firms.
    Entrepreneurship = 3,
    /// Firms' plans (wages, prices, vacancies).
    Plan = 4,
    /// Firing, job search and matching.
    Labour = 5,
    /// Production and innovation.
    Production = 6,
    /// Supplier choice and purchases.
    Goods = 7,
    /// Wages, taxes, benefits, rents, dividends, exits.
    Incomes = 8,
    /// Home moves, rents, congestion.
    Housing = 9,
    /// City layout.
    City = 11,
}

/// SplitMix64's finaliser: a bijective 64-bit mix with full avalanche.
#[inline(always)]
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The per-month context every phase receives: enough to key any stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepCtx {
    /// Run seed.
    pub seed: u64,
    /// Month being simulated (1-based; 0 is set-up).
    pub month: u32,
}

impl StepCtx {
    /// Context for `month` of a run with `seed`.
    pub fn new(seed: u64, month: u32) -> Self {
        Self { seed, month }
    }

    /// The stream of `agent` in `phase` this month.
    #[inline]
    pub fn rng(&self, phase: Phase, agent: u64) -> AgentRng {
        self.keys(phase).rng(agent)
    }

    /// The keys of `phase` this month, computed once for a whole pass.
    #[inline]
    pub fn keys(&self, phase: Phase) -> PhaseKeys {
        PhaseKeys::new(self.seed, self.month, phase)
    }
}

/// The random keys of one phase in one month. Most agents in most phases
/// need one or two yes/no draws (search this month? move?), so besides a
/// full stream per agent a phase offers "coins": single uniforms that cost
/// one hash, so that an agent who does nothing never builds a stream.
/// Coins and streams are derived from different keys and do not overlap.
#[derive(Debug, Clone, Copy)]
pub struct PhaseKeys {
    base: u64,
    coin_base: u64,
}

impl PhaseKeys {
    /// Keys for (seed, month, phase).
    #[inline]
    pub fn new(seed: u64, month: u32, phase: Phase) -> Self {
        let base = mix64(seed ^ mix64(((month as u64) << 8) | phase as u64));
        PhaseKeys {
            base,
            coin_base: mix64(base ^ 0x5851_F42D_4C95_7F2D),
        }
    }

    /// The full stream of `agent`.
    #[inline]
    pub fn rng(&self, agent: u64) -> AgentRng {
        let hi = mix64(self.base ^ agent);
        let lo = mix64(hi ^ 0xD1B5_4A32_D192_ED03);
        Pcg64Mcg::new(((hi as u128) << 64) | lo as u128)
    }

    /// Coin `k` (0..256) of `agent`: a uniform in [0, 1) from one hash.
    #[inline(always)]
    pub fn coin(&self, agent: u64, k: u64) -> f64 {
        let z = mix64(self.coin_base ^ agent.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (k << 56));
        (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The stream for one (seed, month, phase, agent) key.
#[inline]
pub fn stream(seed: u64, month: u32, phase: Phase, agent: u64) -> AgentRng {
    PhaseKeys::new(seed, month, phase).rng(agent)
}

/// A uniform draw in [0, 1).
#[inline(always)]
pub fn unit(rng: &mut AgentRng) -> f64 {
    rng.random::<f64>()
}

/// True with probability `p`.
#[inline(always)]
pub fn chance(rng: &mut AgentRng, p: f64) -> bool {
    p > 0.0 && rng.random::<f64>() < p
}

/// A uniform index in `0..n` (`n > 0`), by Lemire's multiply-shift; the tiny
/// bias for `n` far below 2^32 is irrelevant here and the cost is one product.
#[inline(always)]
pub fn index(rng: &mut AgentRng, n: usize) -> usize {
    debug_assert!(n > 0);
    ((rng.random::<u32>() as u64 * n as u64) >> 32) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_depend_only_on_their_key() {
        let a: Vec<u64> = (0..4)
            .map(|_| stream(7, 3, Phase::Goods, 11).random())
            .collect();
        let b: Vec<u64> = (0..4)
            .map(|_| stream(7, 3, Phase::Goods, 11).random())
            .collect();
        assert_eq!(a, b);
        let other = stream(7, 3, Phase::Labour, 11).random::<u64>();
        assert_ne!(a[0], other, "phases must not share streams");
        let next = stream(7, 4, Phase::Goods, 11).random::<u64>();
        assert_ne!(a[0], next, "months must not share streams");
    }

    #[test]
    fn neighbouring_agents_are_uncorrelated() {
        // Mean of the first draw over many adjacent agent ids: a weak key mix
        // would show up as a biased mean.
        let n = 100_000;
        let mean: f64 = (0..n)
            .map(|i| unit(&mut stream(1, 1, Phase::Goods, i)))
            .sum::<f64>()
            / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "mean of first draws {mean}");
    }

    #[test]
    fn coins_are_uniform_and_apart_from_streams() {
        let keys = PhaseKeys::new(3, 5, Phase::Housing);
        let n = 200_000u64;
        let mut below = [0u32; 4];
        for i in 0..n {
            let u = keys.coin(i, 0);
            assert!((0.0..1.0).contains(&u));
            below[(u * 4.0) as usize] += 1;
        }
        for b in below {
            let share = b as f64 / n as f64;
            assert!((share - 0.25).abs() < 0.005, "quartile share {share}");
        }
        assert_ne!(
            keys.coin(7, 0),
            keys.coin(7, 1),
            "coins of one agent differ"
        );
        assert_ne!(
            keys.coin(7, 0),
            keys.coin(8, 0),
            "coins of two agents differ"
        );
        let first = unit(&mut keys.rng(7));
        assert_ne!(
            first,
            keys.coin(7, 0),
            "coins and streams do not share draws"
        );
    }

    #[test]
    fn index_stays_in_range() {
        let mut r = stream(1, 1, Phase::Goods, 1);
        for n in [1usize, 2, 3, 17, 1000] {
            for _ in 0..1000 {
                assert!(index(&mut r, n) < n);
            }
        }
    }
}
