//! Parallel helpers that keep results independent of the thread count.
//!
//! Per-firm or per-zone totals over residents are integer sums: each chunk of
//! residents accumulates into its own bins and the chunks' bins are added.
//! Integer addition is associative, so the grouping (which depends on the
//! number of threads) cannot change the result. Floats never go through here.

use rayon::prelude::*;

/// How many chunks to split `len` items into: a few per thread, so that work
/// balances, and never so many that per-chunk bins dominate.
pub fn chunk_len(len: usize) -> usize {
    let chunks = rayon::current_num_threads().max(1) * 4;
    len.div_ceil(chunks).max(1024)
}

/// Adds integer contributions of `items` into `bins` arrays of `K` counters.
/// `f(index, item, bins)` adds the contributions of one item.
pub fn accumulate<T, const K: usize, F>(items: &[T], bins: usize, f: F) -> Vec<[i64; K]>
where
    T: Sync,
    F: Fn(usize, &T, &mut [[i64; K]]) + Sync,
{
    // Large bins (a firm each, in a big city) cost more to zero and add than
    // the balance of many chunks is worth: one chunk per thread then.
    let chunk = if bins > 65_536 {
        items
            .len()
            .div_ceil(rayon::current_num_threads().max(1))
            .max(1024)
    } else {
        chunk_len(items.len())
    };
    items
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, part)| {
            let mut local = vec![[0i64; K]; bins];
            for (j, item) in part.iter().enumerate() {
                f(c * chunk + j, item, &mut local);
            }
            local
        })
        .reduce(|| vec![[0i64; K]; bins], add_bins)
}

/// Adds `b` into `a`.
pub fn add_bins<const K: usize>(mut a: Vec<[i64; K]>, b: Vec<[i64; K]>) -> Vec<[i64; K]> {
    if a.len() < b.len() {
        return add_bins(b, a);
    }
    for (x, y) in a.iter_mut().zip(&b) {
        for k in 0..K {
            x[k] += y[k];
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_do_not_depend_on_thread_count() {
        let items: Vec<i64> = (0..100_000).map(|i| (i * 7919) % 1013).collect();
        let run = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                accumulate::<_, 2, _>(&items, 17, |i, v, bins| {
                    bins[i % 17][0] += v;
                    bins[i % 17][1] += 1;
                })
            })
        };
        let one = run(1);
        assert_eq!(one, run(3));
        assert_eq!(one.iter().map(|b| b[1]).sum::<i64>(), 100_000);
    }
}
