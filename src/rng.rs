//! The only source of randomness in polis.
//!
//! Every random draw is keyed by (seed, month, phase, agent id). Keying is a
//! few integer multiplications (SplitMix64 finalisers). An agent that acts
//! at length draws from a stream, PCG-64 MCG (`rand_pcg::Pcg64Mcg`), a small
//! named generator whose output `rand_pcg` keeps stable across releases; the
//! decisions many agents take each month use one-hash draws (64 bits each,
//! numbered per agent: wyrand's output function at a Weyl-sequence point).
//! Because a draw depends only on its key, the draws an agent sees do not
//! depend on which thread runs it or in what order agents are visited: this
//! is what makes output byte-identical for any thread count.
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
    /// Which residents `residents.csv` follows (drawn once, keyed by month 0).
    Sample = 12,
}

/// Whether resident `agent` belongs to a run's sample of `share` of the
/// residents (`output.residents_sample`): a fixed draw per (seed,
/// resident), so the sample is the same at every snapshot, for any thread
/// count, and grows with `share` (a resident in the 1% sample is in the 5%
/// one). It draws from a stream of its own and changes no other draw.
pub fn in_sample(seed: u64, agent: u64, share: f64) -> bool {
    PhaseKeys::new(seed, 0, Phase::Sample).coin(agent, 0) < share
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
/// full stream per agent a phase offers numbered one-hash draws
/// ([`PhaseKeys::bits`], and [`PhaseKeys::coin`] as a uniform), so that an
/// agent who does nothing never builds a stream. Draws and streams are
/// derived from different keys and do not overlap.
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

    /// Draw `k` (0..256) of `agent` (below 2^56): 64 random bits from one
    /// hash. It is output number `agent x 256 + k` of the wyrand generator
    /// started at `coin_base`: the Weyl sequence `coin_base + n x WY_STEP`
    /// put through `wymix`. Each 32-bit half serves as a uniform of its own
    /// ([`Odds`], [`half`]), the whole word as a 64-bit one ([`below`]).
    #[inline(always)]
    pub fn bits(&self, agent: u64, k: u64) -> u64 {
        draw_at(self.coin_base, (agent << 8) | k)
    }

    /// Coin `k` (0..256) of `agent`: a uniform in [0, 1), the top 53 bits of
    /// [`PhaseKeys::bits`].
    #[inline(always)]
    pub fn coin(&self, agent: u64, k: u64) -> f64 {
        (self.bits(agent, k) >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// wyrand's Weyl step (Wang Yi's wyhash family).
const WY_STEP: u64 = 0xA076_1D64_78BD_642F;

/// Output number `n` of the wyrand generator started at `base`: 64 random
/// bits from one hash, `wymix(base + n x WY_STEP)`.
#[inline(always)]
pub fn draw_at(base: u64, n: u64) -> u64 {
    wymix(base.wrapping_add(n.wrapping_mul(WY_STEP)))
}

/// wyrand's output function: the 128-bit product of `s` and `s XOR
/// 0xE7037ED1A0B428DB`, its two halves XORed. Fed a Weyl sequence it is the
/// wyrand generator, which passes BigCrush and PractRand; one product costs
/// less than the two of `mix64`.
#[inline(always)]
pub fn wymix(s: u64) -> u64 {
    let t = (s as u128) * ((s ^ 0xE703_7ED1_A0B4_28DB) as u128);
    ((t >> 64) as u64) ^ (t as u64)
}

/// Half `i` (0: low, 1: high) of 64 random bits: a 32-bit uniform.
#[inline(always)]
pub fn half(bits: u64, i: usize) -> u32 {
    (bits >> (32 * (i & 1))) as u32
}

/// A uniform index in `0..n` from 64 random bits: floor(bits x n / 2^64)
/// (Lemire's multiply-shift; the bias, below n / 2^64, is nil here).
#[inline(always)]
pub fn below(bits: u64, n: usize) -> usize {
    ((bits as u128 * n as u128) >> 64) as usize
}

/// A probability in the form a 32-bit uniform u is compared with: `hit(u)`
/// is true exactly when u / 2^32 < p, so a chance costs one integer
/// comparison. p is thus resolved to 2^-32 (2.3e-10).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Odds(u64);

impl Odds {
    /// The odds of probability `p` (at most 0, or NaN: never; at least 1:
    /// always).
    #[inline]
    pub fn new(p: f64) -> Odds {
        // u < p x 2^32 for an integer u is u < ceil(p x 2^32); the product
        // is exact (a power of two).
        let scaled = p * (1u64 << 32) as f64;
        Odds(if scaled > 0.0 {
            scaled.ceil().min((1u64 << 32) as f64) as u64
        } else {
            0
        })
    }

    /// True when the uniform `u` falls below the probability.
    #[inline(always)]
    pub fn hit(self, u: u32) -> bool {
        (u as u64) < self.0
    }
}

/// The stream for one (seed, month, phase, agent) key.
#[inline]
pub fn stream(seed: u64, month: u32, phase: Phase, agent: u64) -> AgentRng {
    PhaseKeys::new(seed, month, phase).rng(agent)
}

/// A standard normal draw: the model's one normal sampler (rand_distr's
/// ziggurat, from the agent's own stream).
#[inline]
pub fn normal(rng: &mut AgentRng) -> f64 {
    use rand_distr::Distribution;
    rand_distr::StandardNormal.sample(rng)
}

/// A lognormal draw with mean 1 and log-sd `sigma`: exp(sigma z - sigma^2
/// / 2) for a [`normal`] draw z. The model's one lognormal sampler (skills,
/// projects' scale).
#[inline]
pub fn lognormal_mean_one(rng: &mut AgentRng, sigma: f64) -> f64 {
    (sigma * normal(rng) - sigma * sigma / 2.0).exp()
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

    /// The lognormal sampler draws what rand_distr's `LogNormal` with
    /// location -sigma^2/2 draws, bit for bit, and its mean is 1.
    #[test]
    fn lognormal_mean_one_is_rand_distr_lognormal_with_mean_one() {
        use rand_distr::{Distribution, LogNormal};
        let sigma = 0.45;
        let reference = LogNormal::new(-sigma * sigma / 2.0, sigma).expect("valid");
        let (mut a, mut b) = (stream(1, 0, Phase::Setup, 9), stream(1, 0, Phase::Setup, 9));
        let n = 200_000;
        let mut sum = 0.0;
        for _ in 0..n {
            let x = lognormal_mean_one(&mut a, sigma);
            assert_eq!(x.to_bits(), reference.sample(&mut b).to_bits());
            sum += x;
        }
        let mean = sum / n as f64;
        assert!((mean - 1.0).abs() < 0.005, "mean {mean}");
        let mut r = stream(2, 0, Phase::Setup, 9);
        let zs: Vec<f64> = (0..n).map(|_| normal(&mut r)).collect();
        let m = zs.iter().sum::<f64>() / n as f64;
        let v = zs.iter().map(|z| (z - m) * (z - m)).sum::<f64>() / n as f64;
        assert!(
            m.abs() < 0.01 && (v - 1.0).abs() < 0.01,
            "mean {m}, variance {v}"
        );
    }

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
    fn odds_hit_exactly_below_the_probability() {
        // hit(u) must equal u / 2^32 < p, computed in exact arithmetic
        // (u / 2^32 is exact in f64), at the edges of both.
        let probabilities = [
            -1.0,
            0.0,
            1e-300,
            1e-12,
            0.1,
            0.25,
            0.5,
            1.0 - 1e-12,
            1.0,
            1.5,
            f64::NAN,
            f64::INFINITY,
        ];
        let uniforms = [
            0u32,
            1,
            2,
            429_496_729,
            429_496_730,
            1 << 31,
            u32::MAX - 1,
            u32::MAX,
        ];
        for p in probabilities {
            let odds = Odds::new(p);
            for u in uniforms {
                let exact = (u as f64 / (1u64 << 32) as f64) < p;
                assert_eq!(odds.hit(u), exact, "p {p}, u {u}");
            }
        }
        // Just below and at a threshold that is not a multiple of 2^-32.
        let odds = Odds::new(0.1);
        assert!(odds.hit(429_496_729)); // 0.09999999981...
        assert!(!odds.hit(429_496_730)); // 0.10000000004...
    }

    #[test]
    fn draws_are_uniform_in_each_half_and_apart() {
        // Each 32-bit half of draws k = 0, 1 over 200,000 agents, in 16
        // bins: a chi-square above 40 (15 degrees of freedom: p < 0.001)
        // fails. So does a correlation between the halves, or between
        // neighbouring draw numbers, above 0.01 (4.5 standard errors).
        let keys = PhaseKeys::new(11, 7, Phase::Goods);
        let n = 200_000u64;
        let to_unit = |u: u32| u as f64 / (1u64 << 32) as f64;
        for k in [0, 1, 200] {
            for i in 0..2 {
                let mut bins = [0u32; 16];
                for a in 0..n {
                    bins[(half(keys.bits(a, k), i) >> 28) as usize] += 1;
                }
                let expected = n as f64 / 16.0;
                let chi2: f64 = bins
                    .iter()
                    .map(|&b| (b as f64 - expected).powi(2) / expected)
                    .sum();
                assert!(chi2 < 40.0, "draw {k}, half {i}: chi-square {chi2}");
            }
        }
        let correlation = |pairs: &dyn Fn(u64) -> (f64, f64)| {
            let (mut sx, mut sy, mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0, 0.0, 0.0);
            for a in 0..n {
                let (x, y) = pairs(a);
                sx += x;
                sy += y;
                sxy += x * y;
                sxx += x * x;
                syy += y * y;
            }
            let m = n as f64;
            (sxy / m - sx * sy / m / m)
                / ((sxx / m - (sx / m).powi(2)) * (syy / m - (sy / m).powi(2))).sqrt()
        };
        let halves = correlation(&|a| {
            let d = keys.bits(a, 0);
            (to_unit(half(d, 0)), to_unit(half(d, 1)))
        });
        assert!(halves.abs() < 0.01, "halves correlate: {halves}");
        let draws = correlation(&|a| {
            (
                to_unit(half(keys.bits(a, 0), 0)),
                to_unit(half(keys.bits(a, 1), 0)),
            )
        });
        assert!(draws.abs() < 0.01, "draws 0 and 1 correlate: {draws}");
        let agents = correlation(&|a| {
            (
                to_unit(half(keys.bits(a, 0), 0)),
                to_unit(half(keys.bits(a + 1, 0), 0)),
            )
        });
        assert!(
            agents.abs() < 0.01,
            "neighbouring agents correlate: {agents}"
        );
        let other = PhaseKeys::new(11, 7, Phase::Labour);
        assert_ne!(keys.bits(5, 0), other.bits(5, 0), "phases share draws");
    }

    #[test]
    fn below_stays_in_range_and_spreads() {
        assert_eq!(below(u64::MAX, 1), 0);
        assert_eq!(below(0, 7), 0);
        assert_eq!(below(u64::MAX, 7), 6);
        let keys = PhaseKeys::new(2, 3, Phase::Goods);
        let mut seen = [0u32; 3];
        for a in 0..30_000 {
            seen[below(keys.bits(a, 1), 3)] += 1;
        }
        for s in seen {
            assert!((s as i64 - 10_000).abs() < 400, "counts {seen:?}");
        }
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
