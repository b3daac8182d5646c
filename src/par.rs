//! Parallel helpers that keep results independent of the thread count.
//!
//! Per-firm or per-zone totals over residents are integer sums: each chunk of
//! residents accumulates into its own bins and the chunks' bins are added.
//! Integer addition is associative, so the grouping (which depends on the
//! number of threads) cannot change the result. Floats never go through here.

use rayon::prelude::*;

use crate::world::Resident;

/// How many chunks to split `len` items into: a few per thread, so that work
/// balances, and never so many that per-chunk bins dominate.
pub fn chunk_len(len: usize) -> usize {
    let chunks = rayon::current_num_threads().max(1) * 4;
    len.div_ceil(chunks).max(1024)
}

/// How many items a chunk of `len` takes when each chunk fills bins of its
/// own, `bins` entries long: large bins (a firm each, in a big city) cost
/// more to fill and add than the balance of many chunks is worth, so then
/// there is one chunk per thread.
pub fn chunk_len_with_bins(len: usize, bins: usize) -> usize {
    if bins > 65_536 {
        len.div_ceil(rayon::current_num_threads().max(1)).max(1024)
    } else {
        chunk_len(len)
    }
}

/// Adds integer contributions of `items` into `bins` arrays of `K` counters.
/// `f(index, item, bins)` adds the contributions of one item;
/// `ahead(item, bins)` is called `AHEAD` items before `f` sees that item, to
/// prefetch what `f` will read (see `prefetch`), or does nothing.
pub fn accumulate<T, const K: usize, F, A>(
    items: &[T],
    bins: usize,
    ahead: A,
    f: F,
) -> Vec<[i64; K]>
where
    T: Sync,
    F: Fn(usize, &T, &mut [[i64; K]]) + Sync,
    A: Fn(&T, &[[i64; K]]) + Sync,
{
    let chunk = chunk_len_with_bins(items.len(), bins);
    items
        .par_chunks(chunk)
        .enumerate()
        .map(|(c, part)| {
            let mut local = vec![[0i64; K]; bins];
            for (j, item) in part.iter().enumerate() {
                if let Some(next) = part.get(j + AHEAD) {
                    ahead(next, &local);
                }
                f(c * chunk + j, item, &mut local);
            }
            local
        })
        .reduce(|| vec![[0i64; K]; bins], add_bins)
}

/// Fewest items a parallel loop over firms (or other short lists) hands to
/// one thread. Such loops do little per item: in a small city (a few
/// thousand firms) the whole loop takes microseconds, less than waking a
/// second thread costs, so it runs on the calling thread alone; a big
/// city's loops still split. Where a loop splits changes no result.
pub const MIN_LEN: usize = 1 << 14;

/// A parallel iterator over a per-firm list that splits no finer than
/// `MIN_LEN` items.
pub fn per_firm<T: Sync>(items: &[T]) -> rayon::iter::MinLen<rayon::slice::Iter<'_, T>> {
    items.par_iter().with_min_len(MIN_LEN)
}

/// The mutable twin of [`per_firm`].
pub fn per_firm_mut<T: Send>(items: &mut [T]) -> rayon::iter::MinLen<rayon::slice::IterMut<'_, T>> {
    items.par_iter_mut().with_min_len(MIN_LEN)
}

/// How many items ahead of the current one a loop over residents asks for
/// the per-firm data it will need: far enough that the memory answers in
/// time, near enough that the line is still in cache when it is used.
pub const AHEAD: usize = 16;

/// How far ahead, in bytes, a loop over residents asks for the residents'
/// own arrays (records, suppliers, consumption...), which it reads in
/// order. The processor's own read-ahead of such a stream falls behind in
/// the passes that also read per-firm data at random: in the megacity, at
/// 2 threads, the job search took 68 ms a month without this hint and 58
/// with it (4 to 16 KB ahead did alike), the housing pass 65 and 60. The
/// incomes, goods and (before they joined the housing pass) metrics passes
/// gained nothing, and do without.
pub const STREAM_BYTES: usize = 8192;

/// For a loop that reads `items` in order and is at `items[j]`: hints the
/// fetch of the item [`STREAM_BYTES`] further, once a cache line (on the
/// `j` that starts one; items of at most a line).
#[inline(always)]
pub fn prefetch_stream<T>(items: &[T], j: usize) {
    let size = std::mem::size_of::<T>().max(1);
    if j.is_multiple_of((64 / size).max(1)) {
        prefetch(items, j + STREAM_BYTES / size);
    }
}

/// Items addressed to places of an array that loops split into chunks of
/// `chunk` (the residents' arrays, say), kept by chunk, so that the thread
/// that owns a chunk can apply its items ([`apply_by_chunk`]) while loops
/// over something else (firms) gather them in parallel.
pub struct ByChunk<T> {
    chunk: usize,
    lists: Vec<Vec<(u32, T)>>,
}

impl<T> ByChunk<T> {
    /// No items yet, for an array of `len` entries in chunks of `chunk`.
    pub fn new(len: usize, chunk: usize) -> ByChunk<T> {
        ByChunk {
            chunk,
            lists: (0..len.div_ceil(chunk)).map(|_| Vec::new()).collect(),
        }
    }

    /// Adds `item` for the entry `at`.
    #[inline]
    pub fn push(&mut self, at: u32, item: T) {
        self.lists[at as usize / self.chunk].push((at, item));
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.lists.iter().map(Vec::len).sum()
    }

    /// True when there are no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Applies `apply(&mut target[at], item)` for every item of every part,
/// in parallel by chunk of `target` (each part made by `ByChunk::new` with
/// `target`'s length and the same `chunk`); a chunk takes the parts in
/// order, each part's items in the order they were pushed. In a big array
/// the entries are asked for ahead.
pub fn apply_by_chunk<A, T, F>(target: &mut [A], chunk: usize, parts: &[ByChunk<T>], apply: F)
where
    A: Send,
    T: Sync,
    F: Fn(&mut A, &T) + Sync,
{
    let far = far(target.len());
    target
        .par_chunks_mut(chunk)
        .enumerate()
        .for_each(|(c, entries)| {
            for list in parts.iter().map(|part| &part.lists[c]) {
                for (k, (at, item)) in list.iter().enumerate() {
                    if far && let Some(next) = list.get(k + AHEAD) {
                        prefetch(entries, next.0 as usize - c * chunk);
                    }
                    apply(&mut entries[*at as usize - c * chunk], item);
                }
            }
        });
}

/// Whether arrays of `entries` per-firm (or per-slot) entries are big enough
/// for reading ahead to pay: above about a megabyte they leave the
/// processor's own cache. In a small city the reads hit the cache anyway,
/// and asking ahead would only add instructions.
#[inline]
pub fn far(entries: usize) -> bool {
    entries >= 1 << 17
}

/// Hints the processor to fetch `items[i]` into cache; does nothing when `i`
/// is out of range or on processors without the hint. It changes no result:
/// in a big city the per-firm arrays do not fit in cache, and loops over
/// residents read them at random, one resident after another, so the
/// processor waits on each read unless it is asked for ahead of time.
#[inline(always)]
pub fn prefetch<T>(items: &[T], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(item) = items.get(i) {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        // SAFETY: a prefetch only hints the cache; the address is a valid
        // reference, and prefetching never faults or changes memory.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (items, i);
}

/// How far ahead a tight loop over residents asks for per-firm data: one
/// that does little else per resident (the staff recount) reaches the
/// resident `AHEAD` places on before the memory has answered. In the
/// megacity the recount took 17 ms a month at 2 threads with 64, 20 ms with
/// 40, 19 ms with 100 and 30 ms with `AHEAD`.
pub const AHEAD_TIGHT: usize = 64;

/// Hints the fetch of `per_firm`'s entry for the employer of the resident
/// `AHEAD` places after `j` in `people` (nothing if it has no job).
#[inline(always)]
pub fn prefetch_employer<T>(per_firm: &[T], people: &[Resident], j: usize) {
    prefetch_employer_at::<AHEAD, T>(per_firm, people, j);
}

/// [`prefetch_employer`] for the resident `D` places after `j`.
#[inline(always)]
pub fn prefetch_employer_at<const D: usize, T>(per_firm: &[T], people: &[Resident], j: usize) {
    if let Some(r) = people.get(j + D) {
        prefetch(per_firm, r.employer.index());
    }
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
                accumulate::<_, 2, _, _>(
                    &items,
                    17,
                    |_, _| {},
                    |i, v, bins| {
                        bins[i % 17][0] += v;
                        bins[i % 17][1] += 1;
                    },
                )
            })
        };
        let one = run(1);
        assert_eq!(one, run(3));
        assert_eq!(one.iter().map(|b| b[1]).sum::<i64>(), 100_000);
    }
}
