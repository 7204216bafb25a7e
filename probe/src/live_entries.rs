//! Which conntrack entries are live and already counted, by kernel entry id, so that each
//! connection counts once across a dump, its NEW event and its DESTROY event.
//!
//! Ids are not unique over time: the kernel derives them from the entry's address and tuple,
//! so a connection that reuses a tuple right after the old entry was freed can get the old id,
//! and its NEW event can arrive before the old entry's DESTROY. Entries therefore carry a
//! reference count, and entries first seen in a dump are marked so that the NEW event of the
//! same entry (queued while the dump ran) is recognised as a duplicate.

use std::collections::{HashMap, HashSet};

#[derive(Debug, Clone, Copy)]
struct Live {
    refs: u32,
    from_dump: bool,
}

/// Live entry ids, at most `capacity` of them.
#[derive(Debug)]
pub struct LiveEntries {
    live: HashMap<u32, Live>,
    capacity: usize,
}

impl LiveEntries {
    /// Remembers at most `capacity` ids; past that, entries are counted without de-duplication.
    pub fn new(capacity: usize) -> Self {
        Self {
            live: HashMap::new(),
            capacity,
        }
    }

    /// A NEW event: 1 if it is a connection not counted yet.
    pub fn new_event(&mut self, id: u32) -> u64 {
        match self.live.get_mut(&id) {
            Some(live) if live.from_dump => {
                live.from_dump = false;
                0
            }
            Some(live) => {
                live.refs += 1;
                1
            }
            None => {
                self.insert(id, false);
                1
            }
        }
    }

    /// A DESTROY event: 1 if the connection was never counted (its NEW was lost).
    pub fn destroy_event(&mut self, id: u32) -> u64 {
        match self.live.get_mut(&id) {
            Some(live) if live.refs > 1 => {
                live.refs -= 1;
                0
            }
            Some(_) => {
                self.live.remove(&id);
                0
            }
            None => 1,
        }
    }

    /// An entry read by a dump: 1 if not counted yet.
    pub fn dumped(&mut self, id: u32) -> u64 {
        if self.live.contains_key(&id) {
            return 0;
        }
        self.insert(id, true);
        1
    }

    /// After a full dump: forgets entries the dump did not list (their DESTROY was lost).
    pub fn keep_only(&mut self, listed: &HashSet<u32>) {
        self.live.retain(|id, live| {
            live.refs = 1;
            listed.contains(id)
        });
    }

    /// Ids remembered.
    pub fn len(&self) -> usize {
        self.live.len()
    }

    /// True when no id is remembered.
    pub fn is_empty(&self) -> bool {
        self.live.is_empty()
    }

    fn insert(&mut self, id: u32, from_dump: bool) {
        if self.live.len() < self.capacity {
            self.live.insert(id, Live { refs: 1, from_dump });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reused_id_whose_new_overtakes_the_old_destroy_still_counts() {
        let mut live = LiveEntries::new(10);
        assert_eq!(live.new_event(7), 1);
        assert_eq!(live.new_event(7), 1, "same id, new connection");
        assert_eq!(live.destroy_event(7), 0);
        assert_eq!(live.destroy_event(7), 0);
        assert!(live.is_empty());
    }

    #[test]
    fn dump_then_queued_new_event_is_one_connection() {
        let mut live = LiveEntries::new(10);
        assert_eq!(live.dumped(3), 1);
        assert_eq!(live.new_event(3), 0);
        assert_eq!(live.dumped(3), 0);
        assert_eq!(live.destroy_event(3), 0);
        assert_eq!(live.destroy_event(4), 1, "a DESTROY whose NEW was lost");
    }

    #[test]
    fn a_resync_forgets_entries_gone_from_the_table() {
        let mut live = LiveEntries::new(10);
        live.new_event(1);
        live.new_event(2);
        live.keep_only(&HashSet::from([2]));
        assert_eq!(live.len(), 1);
        assert_eq!(live.new_event(1), 1);
    }
}
