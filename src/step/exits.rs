//! Closing firms outside the incomes phase (a capacity cut): the firm's cash
//! goes to its owner, its workers become unemployed, and every reference to
//! it is removed. The incomes phase closes insolvent firms in its own pass
//! over residents, which also pays wages; this is the stand-alone version.

use rayon::prelude::*;

use crate::step::par;
use crate::world::{FirmId, Flows, World};

/// Closes the firms marked in `close` (one flag per firm); returns the flows.
pub fn remove_firms(w: &mut World, close: &[bool]) -> Flows {
    let mut flows = Flows::default();
    let mut remap = vec![FirmId::NONE; w.firms.len()];
    let mut alive = 0u32;
    for (i, f) in w.firms.list.iter_mut().enumerate() {
        if close[i] {
            w.residents.receivable[f.owner.0 as usize] += f.cash;
            flows.firms -= f.cash;
            flows.residents += f.cash;
            f.cash = 0;
            w.counters.exit_ages.push(f.age);
        } else {
            remap[i] = FirmId(alive);
            alive += 1;
        }
    }
    let closed = close.iter().filter(|&&c| c).count() as u32;
    if closed == 0 {
        return flows;
    }
    let sectors = w.residents.sectors;
    let chunk = par::chunk_len(w.residents.len());
    w.residents
        .people
        .par_chunks_mut(chunk)
        .zip(w.residents.suppliers.par_chunks_mut(chunk * sectors))
        .for_each(|(people, suppliers)| {
            for (j, r) in people.iter_mut().enumerate() {
                if !r.employer.is_none() {
                    r.employer = remap[r.employer.index()];
                    if r.employer.is_none() {
                        r.job_match = 0.0;
                    }
                }
                for s in &mut suppliers[j * sectors..(j + 1) * sectors] {
                    if !s.is_none() {
                        *s = remap[s.index()];
                    }
                }
            }
        });
    let mut k = 0;
    w.firms.list.retain(|_| {
        let keep = !close[k];
        k += 1;
        keep
    });
    w.counters.exits += closed;
    w.counters.cut_exits += closed;
    crate::step::labour::recount_staff(w);
    flows
}
