//! Phase 2: platform adoption.
//!
//! ILP (residents): Bass diffusion. A resident is a potential adopter with
//! probability `potential` (a fixed draw per resident); each month a
//! potential adopter who is not yet a user adopts with the probability that
//! carries the share of users F along the continuous Bass curve for one
//! month (`bass_step`; about p + q F for small steps), where p and q are
//! `bass_p` and `bass_q` scaled by `broadband_cost` to the power
//! -`broadband_elasticity`. Users stay users.
//!
//! IMP (firms): a member's output gain is `efficiency_gain` x (1 +
//! `network_effect` x the share of manufacturing firms that are members). Each
//! month a manufacturing firm reviews with probability `review_prob`: it
//! joins when the costs the gain saves (gain / (1 + gain) of its wage bill
//! and workplace rent) exceed the fee, and a member leaves when they do not.
//! Members pay the monthly fee to the platform (a member that cannot pay
//! leaves); the platform pays `payout_share` of its cash above one month of
//! fees to its owner.

use rayon::prelude::*;

use crate::par;
use crate::rng::{Phase, PhaseKeys, StepCtx};
use crate::scenario::Scenario;
use crate::world::residents::FLAG_ILP;
use crate::world::{FIRM_IMP, Flows, Holder, World, yuan_to_cents};

/// Updates platform membership and moves fees. Money: firms to the IMP
/// platform (fees), the platform to its owner (payouts).
pub fn adopt(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    adopt_ilp(w, p, ctx);
    adopt_imp(w, p, ctx)
}

/// The keys of the fixed draw that says whether a resident would ever use
/// the ILP (its coin 0 below `potential`): month 0's, the same every month.
fn potential_keys(seed: u64) -> PhaseKeys {
    PhaseKeys::new(seed, 0, Phase::Platforms)
}

fn adopt_ilp(w: &mut World, p: &Scenario, ctx: StepCtx) {
    let ilp = &p.platforms.ilp;
    // Only this phase makes users (and no one stops), so while the platform
    // is off the count of users stands.
    if !ilp.enabled {
        return;
    }
    let n = w.residents.len();
    let market = (n as f64 * ilp.potential).max(1.0);
    let share = (w.platforms.ilp.members as f64 / market).min(1.0);
    let price = ilp.broadband_cost.powf(-ilp.broadband_elasticity);
    let adopt = bass_step(ilp.bass_p * price, ilp.bass_q * price, share);
    let keys = ctx.keys(Phase::Platforms);
    let potential = potential_keys(ctx.seed);
    // By blocks: the first loop lists the block's non-users without a
    // branch on the flag (a coin toss while half the city uses the
    // platform, so a branch would often be mispredicted); the second draws
    // for them alone. Only this phase makes users, so the new ones are
    // added to the count.
    const BLOCK: usize = 256;
    let chunk = par::chunk_len(w.residents.len());
    let adopted: u32 = w
        .residents
        .people
        .par_chunks_mut(chunk)
        .enumerate()
        .map(|(c, people)| {
            let mut adopted = 0;
            let mut others = [0u16; BLOCK];
            for (b, block) in people.chunks_mut(BLOCK).enumerate() {
                let mut n = 0;
                for (j, r) in block.iter().enumerate() {
                    others[n] = j as u16;
                    n += (r.flags & FLAG_ILP == 0) as usize;
                }
                for &j in &others[..n] {
                    let i = (c * chunk + b * BLOCK + j as usize) as u64;
                    // The month's coin first: its chance (the month's Bass
                    // step) is mostly far below the potential share (0.9 by
                    // default), so the fixed coin is seldom needed.
                    if keys.coin(i, 1) < adopt && potential.coin(i, 0) < ilp.potential {
                        block[j as usize].flags |= FLAG_ILP;
                        adopted += 1;
                    }
                }
            }
            adopted
        })
        .sum();
    w.platforms.ilp.members += adopted;
}

/// The chance that a potential adopter who does not use the platform adopts
/// within one month, when a share `f` of potential adopters use it: the
/// continuous Bass model advanced exactly by one month from `f`, so that the
/// adopted share follows F(t) = (1 - e^-(p+q)t) / (1 + (q/p) e^-(p+q)t) month
/// by month (not only in the limit of short steps).
pub fn bass_step(p: f64, q: f64, f: f64) -> f64 {
    if p <= 0.0 || f >= 1.0 {
        // Without innovators the curve never starts; a full market is done.
        return if p <= 0.0 && q > 0.0 && f > 0.0 {
            1.0 - (-q * (1.0 - f)).exp()
        } else {
            0.0
        };
    }
    // Time on the curve at which the share is f, as x = e^-(p+q)t.
    let x = (1.0 - f) / (1.0 + f * q / p);
    let next_x = x * (-(p + q)).exp();
    let next = (1.0 - next_x) / (1.0 + q / p * next_x);
    ((next - f) / (1.0 - f)).clamp(0.0, 1.0)
}

fn adopt_imp(w: &mut World, p: &Scenario, ctx: StepCtx) -> Flows {
    let imp = &p.platforms.imp;
    let sectors = &w.sectors;
    let manufacturing = |f: &crate::world::Firm| sectors[f.sector as usize].manufacturing;
    // Manufacturing firms and members, counted in parallel (integers).
    let (eligible, members) = par::per_firm(&w.firms.list)
        .map(|f| {
            (
                manufacturing(f) as usize,
                (f.flags & FIRM_IMP != 0) as usize,
            )
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    let eligible = eligible.max(1);
    if !imp.enabled {
        w.platforms.imp.gain = 0.0;
        w.platforms.imp.members = members as u32;
        w.platforms.imp.fees = 0;
        return Flows::default();
    }
    let gain = imp.efficiency_gain * (1.0 + imp.network_effect * members as f64 / eligible as f64);
    let fee = yuan_to_cents(imp.fee);
    let rent_share = p.city.commercial_rent_share;
    let zones = &w.city.zones;
    let keys = ctx.keys(Phase::Platforms);
    // Decide in parallel: each firm writes only its own flag, then a member
    // pays its fee (or leaves if it cannot). The fees and the members are
    // integer sums.
    let (fees, count) = par::per_firm_mut(&mut w.firms.list)
        .map(|f| {
            if sectors[f.sector as usize].manufacturing
                && keys.coin(f.serial as u64, 2) < imp.review_prob
            {
                let rent = zones[f.zone.index()].rent as f64 * rent_share * f.employees as f64;
                let saving = gain / (1.0 + gain) * (f.wage_bill as f64 + rent);
                if saving > fee as f64 {
                    f.flags |= FIRM_IMP;
                } else {
                    f.flags &= !FIRM_IMP;
                }
            }
            if f.flags & FIRM_IMP == 0 {
                (0, 0)
            } else if f.cash >= fee {
                f.cash -= fee;
                (fee, 1)
            } else {
                f.flags &= !FIRM_IMP;
                (0, 0)
            }
        })
        .reduce(|| (0i64, 0u32), |a, b| (a.0 + b.0, a.1 + b.1));
    let platform = &mut w.platforms.imp;
    platform.cash += fees;
    platform.fees = fees;
    platform.members = count;
    platform.gain =
        imp.efficiency_gain * (1.0 + imp.network_effect * count as f64 / eligible as f64);
    let payout = if platform.cash > fees {
        ((platform.cash - fees) as f64 * imp.payout_share) as i64
    } else {
        0
    };
    platform.cash -= payout;
    w.residents.receivable[platform.owner as usize] += payout;
    Flows::default()
        .with(Holder::Firms, -fees)
        .with(Holder::Platforms, fees - payout)
        .with(Holder::Residents, payout)
}
