//! A map stored as one vector of entries sorted by key, for the small maps of the
//! catalogue (texts per locale, prices per list and currency, variant options).
//! Most of them hold one or two entries, and a `BTreeMap` allocates a node with
//! room for 11 entries even for one.

use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, Index};

use litemap::LiteMap;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map sorted by key whose vector has no spare capacity.
///
/// Reads go through [`LiteMap`] by `Deref` (`get`, `contains_key`, `iter`, `keys`,
/// `values`, `len`...). Writes go through [`SortedVecMap::insert`] and
/// [`SortedVecMap::get_mut`]: an insert grows the vector by exactly one entry, so
/// it moves every entry, which suits maps of a few entries and no more.
///
/// Serde writes it as a map in key order, and `Debug` prints it as a map. Both
/// match a `BTreeMap` of the same entries, so JSON outputs and snapshots stay the
/// same.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SortedVecMap<K, V>(LiteMap<K, V>);

impl<K, V> SortedVecMap<K, V> {
    /// Creates an empty map, which allocates nothing.
    pub const fn new() -> Self {
        SortedVecMap(LiteMap::new_vec())
    }
}

impl<K: Ord, V> SortedVecMap<K, V> {
    /// Inserts `value` under `key`, returning the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        if let Some(existing) = self.0.get_mut(&key) {
            return Some(std::mem::replace(existing, value));
        }
        let mut entries = std::mem::take(&mut self.0).into_tuple_vec();
        let index = entries.partition_point(|(existing, _)| *existing < key);
        // `Vec::insert` would double the capacity, so reserve the one slot needed.
        entries.reserve_exact(1);
        entries.insert(index, (key, value));
        self.0 = LiteMap::from_sorted_store_unchecked(entries);
        None
    }

    /// Returns the value under `key`, for changing it in place.
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.0.get_mut(key)
    }

    /// Returns a map with the same keys and each value passed through `convert`.
    pub fn map_values<W>(&self, mut convert: impl FnMut(&V) -> W) -> SortedVecMap<K, W>
    where
        K: Clone,
    {
        let entries: Vec<(K, W)> = self
            .0
            .iter()
            .map(|(key, value)| (key.clone(), convert(value)))
            .collect();
        SortedVecMap(LiteMap::from_sorted_store_unchecked(entries))
    }

    /// Builds the map from entries in any order; of two entries with the same key
    /// the last one wins, as with repeated `BTreeMap::insert`.
    fn from_entries(entries: Vec<(K, V)>) -> Self {
        let sorted: LiteMap<K, V> = entries.into_iter().collect();
        let mut entries = sorted.into_tuple_vec();
        if entries.capacity() > entries.len() {
            // A copy rather than `shrink_to_fit`, because mimalloc keeps a block in
            // place when it shrinks by less than half.
            let mut exact = Vec::with_capacity(entries.len());
            exact.append(&mut entries);
            entries = exact;
        }
        SortedVecMap(LiteMap::from_sorted_store_unchecked(entries))
    }
}

impl<K, V> Default for SortedVecMap<K, V> {
    fn default() -> Self {
        SortedVecMap::new()
    }
}

impl<K, V> Deref for SortedVecMap<K, V> {
    type Target = LiteMap<K, V>;

    fn deref(&self) -> &LiteMap<K, V> {
        &self.0
    }
}

/// Panics when `key` is missing, as `BTreeMap` does.
impl<K, V, Q> Index<&Q> for SortedVecMap<K, V>
where
    K: Borrow<Q> + Ord,
    Q: Ord + ?Sized,
{
    type Output = V;

    fn index(&self, key: &Q) -> &V {
        match self.0.get(key) {
            Some(value) => value,
            None => panic!("no entry found for key"),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedVecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.0.iter()).finish()
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedVecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        SortedVecMap::from_entries(iter.into_iter().collect())
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for SortedVecMap<K, V> {
    fn from(entries: [(K, V); N]) -> Self {
        SortedVecMap::from_entries(Vec::from(entries))
    }
}

impl<K, V> IntoIterator for SortedVecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_tuple_vec().into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a SortedVecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = <&'a LiteMap<K, V> as IntoIterator>::IntoIter;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedVecMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Always a map: `LiteMap`'s own impl writes an empty map as `[]` in JSON.
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0.iter() {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, K, V> Deserialize<'de> for SortedVecMap<K, V>
where
    K: Ord + Deserialize<'de>,
    V: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

struct MapVisitor<K, V>(PhantomData<fn() -> (K, V)>);

impl<'de, K, V> Visitor<'de> for MapVisitor<K, V>
where
    K: Ord + Deserialize<'de>,
    V: Deserialize<'de>,
{
    type Value = SortedVecMap<K, V>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a map")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        // The length a document announces is not trusted beyond a small bound.
        let mut entries = Vec::with_capacity(access.size_hint().unwrap_or(0).min(64));
        while let Some(entry) = access.next_entry()? {
            entries.push(entry);
        }
        Ok(SortedVecMap::from_entries(entries))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    fn capacity<K, V>(map: SortedVecMap<K, V>) -> usize {
        map.0.into_tuple_vec().capacity()
    }

    #[test]
    fn insert_keeps_keys_sorted() {
        let mut map = SortedVecMap::new();
        assert_eq!(map.insert("b", 2), None);
        assert_eq!(map.insert("c", 3), None);
        assert_eq!(map.insert("a", 1), None);
        assert_eq!(map.insert("b", 20), Some(2));
        let entries: Vec<(&str, i32)> = map.iter().map(|(k, v)| (*k, *v)).collect();
        assert_eq!(entries, [("a", 1), ("b", 20), ("c", 3)]);
        assert_eq!(map.get("b"), Some(&20));
        assert_eq!(map["c"], 3);
        assert!(!map.contains_key("d"));
    }

    #[test]
    fn insert_grows_by_one_entry() {
        let mut map = SortedVecMap::new();
        map.insert(1, "one");
        map.insert(0, "zero");
        map.insert(2, "two");
        assert_eq!(capacity(map), 3);
    }

    #[test]
    fn collect_keeps_last_duplicate() {
        let map: SortedVecMap<i32, &str> = [(2, "b"), (1, "a"), (2, "c")].into_iter().collect();
        let entries: Vec<(i32, &str)> = map.clone().into_iter().collect();
        assert_eq!(entries, [(1, "a"), (2, "c")]);
        assert_eq!(capacity(map), 2);
    }

    #[test]
    fn get_mut_changes_value() {
        let mut map = SortedVecMap::from([("a", 1)]);
        if let Some(value) = map.get_mut("a") {
            *value = 5;
        }
        assert_eq!(map.get("a"), Some(&5));
        assert_eq!(map.get_mut("z"), None);
    }

    #[test]
    fn json_matches_btree_map() {
        let cases: [&[(&str, i32)]; 3] = [&[], &[("fr", 1)], &[("fr", 1), ("de", 2), ("en", 3)]];
        for entries in cases {
            let btree: BTreeMap<&str, i32> = entries.iter().copied().collect();
            let sorted: SortedVecMap<&str, i32> = entries.iter().copied().collect();
            let expected = serde_json::to_string(&btree).expect("json");
            assert_eq!(serde_json::to_string(&sorted).expect("json"), expected);
            assert_eq!(format!("{sorted:?}"), format!("{btree:?}"));
        }
    }

    #[test]
    fn json_read_sorts_keys() {
        let map: SortedVecMap<String, i32> =
            serde_json::from_str(r#"{"fr": 1, "de": 2, "fr": 3}"#).expect("json");
        assert_eq!(serde_json::to_string(&map).expect("json"), r#"{"de":2,"fr":3}"#);
        assert!(serde_json::from_str::<SortedVecMap<String, i32>>("[]").is_err());
    }
}
