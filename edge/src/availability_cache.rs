//! A few seconds' memory of the public availability answers, so a flood of anonymous
//! `GET /api/yards/{id}/availability` calls does not wake the yard's Durable Object each time.
//!
//! Kept in the Worker isolate's memory (each isolate has its own; it works on any route,
//! `workers.dev` included, where the Cache API stores nothing). Only anonymous calls at the
//! real clock use it: a signed-in driver always gets the object's own answer, so the booking
//! screen never shows a count without the booking just made. Any booking change the Worker
//! sends a yard forgets that yard's answers here; other isolates keep theirs for at most
//! [`TTL_MS`].

use shared::booking::LocalDate;
use shared::YardId;
use std::cell::RefCell;
use std::collections::HashMap;

/// How long an answer is served from memory.
pub const TTL_MS: i64 = 5_000;
/// Answers kept at most (yard × date); when full, expired ones go first, then all.
const CAPACITY: usize = 512;

/// Answers by yard and date, each with when it expires.
#[derive(Debug, Default)]
pub struct AnswerCache {
    entries: HashMap<(String, String), (i64, String)>,
}

impl AnswerCache {
    pub fn get(&self, yard: &YardId, date: LocalDate, now_ms: i64) -> Option<&str> {
        self.entries
            .get(&key(yard, date))
            .filter(|(expires, _)| now_ms < *expires)
            .map(|(_, body)| body.as_str())
    }

    pub fn put(&mut self, yard: &YardId, date: LocalDate, body: String, now_ms: i64) {
        if self.entries.len() >= CAPACITY {
            self.entries.retain(|_, (expires, _)| now_ms < *expires);
            if self.entries.len() >= CAPACITY {
                self.entries.clear();
            }
        }
        self.entries
            .insert(key(yard, date), (now_ms.saturating_add(TTL_MS), body));
    }

    /// Forgets every answer about `yard` (its bookings or settings changed).
    pub fn forget_yard(&mut self, yard: &YardId) {
        self.entries.retain(|(y, _), _| y != yard.as_str());
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

fn key(yard: &YardId, date: LocalDate) -> (String, String) {
    (yard.as_str().to_owned(), date.to_string())
}

thread_local! {
    static CACHE: RefCell<AnswerCache> = RefCell::new(AnswerCache::default());
}

pub fn cached(yard: &YardId, date: LocalDate, now_ms: i64) -> Option<String> {
    CACHE.with(|c| c.borrow().get(yard, date, now_ms).map(str::to_owned))
}

pub fn remember(yard: &YardId, date: LocalDate, body: String, now_ms: i64) {
    CACHE.with(|c| c.borrow_mut().put(yard, date, body, now_ms));
}

pub fn forget_yard(yard: &YardId) {
    CACHE.with(|c| c.borrow_mut().forget_yard(yard));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yard(id: &str) -> YardId {
        YardId::parse(id).unwrap()
    }

    fn date(s: &str) -> LocalDate {
        LocalDate::parse(s).unwrap()
    }

    #[test]
    fn answers_last_a_few_seconds() {
        let mut cache = AnswerCache::default();
        let (cm, day) = (yard("cm-1"), date("2026-12-03"));
        assert_eq!(cache.get(&cm, day, 1_000), None);
        cache.put(&cm, day, "a".into(), 1_000);
        assert_eq!(cache.get(&cm, day, 1_000), Some("a"));
        assert_eq!(cache.get(&cm, day, 1_000 + TTL_MS - 1), Some("a"));
        assert_eq!(cache.get(&cm, day, 1_000 + TTL_MS), None);
        assert_eq!(cache.get(&cm, date("2026-12-04"), 1_000), None);
        assert_eq!(cache.get(&yard("tt-fruit"), day, 1_000), None);
    }

    #[test]
    fn a_change_forgets_the_yard_only() {
        let mut cache = AnswerCache::default();
        let (cm, tt) = (yard("cm-1"), yard("tt-fruit"));
        let day = date("2026-12-03");
        cache.put(&cm, day, "a".into(), 0);
        cache.put(&cm, date("2026-12-04"), "b".into(), 0);
        cache.put(&tt, day, "c".into(), 0);
        cache.forget_yard(&cm);
        assert_eq!(cache.get(&cm, day, 1), None);
        assert_eq!(cache.get(&tt, day, 1), Some("c"));
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn memory_stays_bounded() {
        let mut cache = AnswerCache::default();
        let cm = yard("cm-1");
        let first = date("2026-01-01");
        for i in 0..(CAPACITY as i64 * 3) {
            let day = first.add_days(i);
            cache.put(&cm, day, "x".into(), 0);
            assert!(cache.len() <= CAPACITY);
        }
        assert!(!cache.is_empty());
    }
}
