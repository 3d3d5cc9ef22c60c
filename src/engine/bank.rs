//! Time-series counts kept per worker thread.
//!
//! Past the pilot every chunk counts its per-step values in each pair's
//! brackets (`stats::Tally`). Counts are integers and add in any order, so
//! unlike the chunks' moments they need not follow the fixed merge tree:
//! each worker thread keeps one set of tallies, lends it to every chunk it
//! runs and takes it back when the chunk is done, and the sets are added
//! together once, when the last chunk of a stretch is merged. The result
//! is the same integers on any number of threads; what changes is where
//! the work happens: on the workers, in parallel, rather than in the
//! serial merge of chunk after chunk, and with no list of a chunk's cells
//! copied from one accumulator to the next.

use std::sync::Mutex;

use super::results::Results;
use crate::stats::Tally;

/// One set of tallies per thread of a pool, and one more for a caller
/// outside it.
pub(crate) struct Bank {
    slots: Vec<Mutex<Option<Vec<Option<Tally>>>>>,
}

impl Bank {
    /// An empty bank for a pool of `threads` threads.
    pub(crate) fn new(threads: usize) -> Bank {
        Bank {
            slots: (0..=threads).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// The current thread's slot.
    fn slot(&self) -> &Mutex<Option<Vec<Option<Tally>>>> {
        let last = self.slots.len() - 1;
        let i = rayon::current_thread_index().map_or(last, |i| i.min(last));
        &self.slots[i]
    }

    /// Gives `results` (a chunk about to run, counting in the bank's
    /// brackets) this thread's tallies to count into, if it has any yet.
    pub(crate) fn lend(&self, results: &mut Results) {
        // A poisoned slot only means another chunk panicked; its tallies
        // are whole (every update is a plain addition), so keep using them.
        let mine = self.slot().lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(tallies) = mine {
            results.put_tallies(tallies);
        }
    }

    /// Takes the tallies back from `results` (a chunk that has run).
    pub(crate) fn keep(&self, results: &mut Results) {
        let tallies = results.take_tallies();
        let mut slot = self.slot().lock().unwrap_or_else(|e| e.into_inner());
        match slot.take() {
            None => *slot = Some(tallies),
            // Another chunk kept its tallies on this thread while this one
            // ran: add them up here, once.
            Some(kept) => {
                results.put_tallies(kept);
                results.add_tallies(tallies);
                *slot = Some(results.take_tallies());
            }
        }
    }

    /// Adds every thread's tallies to `results`, which counts in the same
    /// brackets, and empties the bank.
    pub(crate) fn pay_into(&self, results: &mut Results) {
        for slot in &self.slots {
            let kept = slot.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(tallies) = kept {
                results.add_tallies(tallies);
            }
        }
    }
}
