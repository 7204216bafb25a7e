//! Which pods a selector matches, as a bitset, without matching pod by pod: an index from each
//! label key and key=value pair to the pods carrying it, and from each namespace to its pods.
//! A requirement is then a union or complement of index entries, and a selector their
//! intersection — work proportional to the pods that match, not to every pod.

use crate::labels::{Requirement, Selector};
use crate::world::World;
use std::collections::HashMap;

/// A set of pods (indices into `World::pods`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSet {
    words: Vec<u64>,
}

impl PodSet {
    pub fn empty(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    pub fn full(len: usize) -> Self {
        let mut set = Self {
            words: vec![u64::MAX; len.div_ceil(64)],
        };
        if let Some(last) = set.words.last_mut()
            && !len.is_multiple_of(64)
        {
            *last = (1u64 << (len % 64)) - 1;
        }
        set
    }

    pub fn insert(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        self.words
            .get(i / 64)
            .is_some_and(|w| w >> (i % 64) & 1 == 1)
    }

    /// The members, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(n, &word)| {
            let mut w = word;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let bit = w.trailing_zeros() as usize;
                    w &= w - 1;
                    n * 64 + bit
                })
            })
        })
    }

    pub fn and(&mut self, other: &PodSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
        }
    }

    pub fn or(&mut self, other: &PodSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    pub fn and_not(&mut self, other: &PodSet) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
        }
    }
}

/// Pods with a label key, and by value.
type ByKey = (Vec<u32>, HashMap<String, Vec<u32>>);

/// Pods by label and by namespace.
#[derive(Debug, Default)]
pub struct PodIndex {
    len: usize,
    /// key → (pods with the key, value → pods with key=value).
    labels: HashMap<String, ByKey>,
    namespaces: HashMap<String, Vec<u32>>,
    host_network: Vec<u32>,
}

impl PodIndex {
    pub fn new(world: &World) -> Self {
        let mut index = Self {
            len: world.pods.len(),
            ..Self::default()
        };
        for (i, pod) in world.pods.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            for (k, v) in &pod.labels {
                let entry = index.labels.entry(k.clone()).or_default();
                entry.0.push(i);
                entry.1.entry(v.clone()).or_default().push(i);
            }
            index
                .namespaces
                .entry(pod.namespace.clone())
                .or_default()
                .push(i);
            if pod.host_network {
                index.host_network.push(i);
            }
        }
        index
    }

    fn set_of(&self, pods: &[u32]) -> PodSet {
        let mut set = PodSet::empty(self.len);
        for &i in pods {
            set.insert(i as usize);
        }
        set
    }

    /// Pods in the namespaces `keep` accepts.
    pub fn in_namespaces(&self, keep: impl Fn(&str) -> bool) -> PodSet {
        let mut set = PodSet::empty(self.len);
        for (ns, pods) in &self.namespaces {
            if keep(ns) {
                for &i in pods {
                    set.insert(i as usize);
                }
            }
        }
        set
    }

    /// Pods NetworkPolicies can select (not host-network).
    pub fn selectable(&self) -> PodSet {
        let mut set = PodSet::full(self.len);
        set.and_not(&self.set_of(&self.host_network));
        set
    }

    /// Pods whose labels the selector matches.
    pub fn matching(&self, selector: &Selector) -> PodSet {
        let mut set = PodSet::full(self.len);
        for r in selector.requirements() {
            let (key, values, negate): (&String, Option<&[String]>, bool) = match r {
                Requirement::Equals(k, v) => (k, Some(std::slice::from_ref(v)), false),
                Requirement::In(k, vs) => (k, Some(vs), false),
                Requirement::NotIn(k, vs) => (k, Some(vs), true),
                Requirement::Exists(k) => (k, None, false),
                Requirement::DoesNotExist(k) => (k, None, true),
            };
            let entry = self.labels.get(key);
            let hit = match (entry, values) {
                (None, _) => PodSet::empty(self.len),
                (Some((all, _)), None) => self.set_of(all),
                (Some((_, by_value)), Some(values)) => {
                    let mut hit = PodSet::empty(self.len);
                    for v in values {
                        if let Some(pods) = by_value.get(v) {
                            hit.or(&self.set_of(pods));
                        }
                    }
                    hit
                }
            };
            if negate {
                set.and_not(&hit);
            } else {
                set.and(&hit);
            }
        }
        set
    }
}
