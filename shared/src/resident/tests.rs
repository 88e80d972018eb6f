//! The crossing fold's edges: local midnight, month ends, the ten-day boundary, replays out
//! of order, two officers, duplicates and a rule change mid-month; then properties.

use super::rules::DatedSeries;
use super::*;
use crate::time::parse_local_date_time;
use crate::GateId;
use proptest::prelude::*;

const DAY: i64 = 86_400_000;

fn at(date: &str, hhmm: &str) -> i64 {
    parse_local_date_time(date, hhmm).unwrap()
}

fn crossing(id: &str, at_ms: i64, dir: CrossingDirection, values: &[i64]) -> Crossing {
    Crossing::new(
        CrossingId::parse(id).unwrap(),
        HolderDigest([7; 8]),
        at_ms,
        dir,
        values
            .iter()
            .map(|v| GoodsLine::new("Rau cải", *v).unwrap())
            .collect(),
        GateId::parse("huu-nghi").unwrap(),
    )
    .unwrap()
}

fn inn(id: &str, at_ms: i64, value: i64) -> Crossing {
    crossing(id, at_ms, CrossingDirection::In, &[value])
}

fn rules() -> &'static ResidentRules {
    ResidentRules::current()
}

#[test]
fn goods_and_crossings_refuse_bad_values() {
    let code = |r: Result<GoodsLine, crate::Error>| r.unwrap_err().code();
    assert_eq!(code(GoodsLine::new("Rau", -1)), ErrorCode::InvalidGoods);
    assert_eq!(
        code(GoodsLine::new("Rau", 10_000_000_001)),
        ErrorCode::InvalidGoods
    );
    assert_eq!(code(GoodsLine::new("   ", 1)), ErrorCode::InvalidGoods);
    assert_eq!(
        code(GoodsLine::new(&"a".repeat(121), 1)),
        ErrorCode::InvalidGoods
    );
    assert_eq!(GoodsLine::new("  Rau  ", 0).unwrap().description(), "Rau");
    assert!(GoodsLine::new(&"ă".repeat(120), 10_000_000_000).is_ok());
    let lines = vec![GoodsLine::new("x", 1).unwrap(); 21];
    let c = Crossing::new(
        CrossingId::parse("x-1").unwrap(),
        HolderDigest([0; 8]),
        at("2026-11-28", "08:00"),
        CrossingDirection::In,
        lines,
        GateId::parse("chi-ma").unwrap(),
    );
    assert_eq!(c.unwrap_err().code(), ErrorCode::InvalidGoods);
    let c = Crossing::new(
        CrossingId::parse("x-1").unwrap(),
        HolderDigest([0; 8]),
        0,
        CrossingDirection::In,
        vec![],
        GateId::parse("chi-ma").unwrap(),
    );
    assert_eq!(c.unwrap_err().code(), ErrorCode::TimeOutOfRange);
}

use crate::ErrorCode;

#[test]
fn a_day_allowance_is_shared_by_its_crossings_and_the_excess_is_taxable() {
    let l = ResidentLedger::from_crossings(
        &[
            inn("x-1", at("2026-11-10", "08:00"), 1_500_000),
            inn("x-2", at("2026-11-10", "15:00"), 800_000),
        ],
        rules(),
    );
    let a = &l.crossings()[1].1;
    assert_eq!((a.duty_free_vnd, a.taxable_excess_vnd), (500_000, 300_000));
    assert!(!a.uses_a_day);
    let now = at("2026-11-10", "20:00");
    assert_eq!(l.used_today_vnd(now), 2_000_000);
    assert_eq!(l.allowance_left_today_vnd(now), 0);
    assert_eq!(l.duty_free_days_used_this_month(now), 1);
    assert_eq!(l.duty_free_days_left_this_month(now), 3);
}

#[test]
fn local_midnight_starts_a_new_day() {
    // 23:59 and 00:00 local are two days (16:59Z and 17:00Z the same UTC day).
    let late = at("2026-11-10", "23:59");
    let l = ResidentLedger::from_crossings(&[inn("x-1", late, 2_000_000)], rules());
    assert_eq!(l.allowance_left_today_vnd(late), 0);
    let next = at("2026-11-11", "00:00");
    assert_eq!(l.allowance_left_today_vnd(next), 2_000_000);
    assert_eq!(l.used_today_vnd(next), 0);
    let a = l.assess(2_500_000, next);
    assert_eq!(
        (a.duty_free_vnd, a.taxable_excess_vnd, a.uses_a_day),
        (2_000_000, 500_000, true)
    );
}

#[test]
fn the_fifth_day_of_a_month_is_all_taxable_and_the_month_end_resets() {
    let days = ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"];
    let cs: Vec<_> = days
        .iter()
        .enumerate()
        .map(|(i, d)| inn(&format!("x-{i}"), at(d, "09:00"), 100_000))
        .collect();
    let l = ResidentLedger::from_crossings(&cs, rules());
    let last_of_month = at("2026-11-30", "23:59");
    assert_eq!(l.duty_free_days_used_this_month(last_of_month), 4);
    assert_eq!(l.duty_free_days_left_this_month(last_of_month), 0);
    assert_eq!(l.allowance_left_today_vnd(last_of_month), 0);
    let a = l.assess(300_000, last_of_month);
    assert_eq!(
        (a.duty_free_vnd, a.taxable_excess_vnd, a.uses_a_day),
        (0, 300_000, false)
    );
    // Still a duty-free day's remainder on a day already used.
    assert_eq!(
        l.allowance_left_today_vnd(at("2026-11-23", "20:00")),
        1_900_000
    );
    let december = at("2026-12-01", "00:00");
    assert_eq!(l.duty_free_days_used_this_month(december), 0);
    assert_eq!(l.duty_free_days_left_this_month(december), 4);
    assert_eq!(l.allowance_left_today_vnd(december), 2_000_000);
}

#[test]
fn out_crossings_and_empty_goods_use_nothing() {
    let t = at("2026-11-10", "08:00");
    let l = ResidentLedger::from_crossings(
        &[
            crossing("x-1", t, CrossingDirection::Out, &[5_000_000]),
            inn("x-2", t + 1000, 0),
        ],
        rules(),
    );
    assert_eq!(l.used_today_vnd(t + 2000), 0);
    assert_eq!(l.duty_free_days_used_this_month(t), 0);
    assert!(l.crossings()[0].1.stamp_due);
    assert!(!l.crossings()[1].1.stamp_due);
}

#[test]
fn the_stamp_is_due_exactly_ten_days_later() {
    let first = at("2026-11-01", "08:00");
    let l = ResidentLedger::from_crossings(
        &[crossing("x-1", first, CrossingDirection::Out, &[])],
        rules(),
    );
    assert_eq!(l.last_stamp_at_ms(), Some(first));
    assert_eq!(l.next_stamp_due_at_ms(first), Some(first + 10 * DAY));
    assert!(!l.stamp_due(first + 10 * DAY - 1));
    assert!(l.stamp_due(first + 10 * DAY));
    let l = ResidentLedger::from_crossings(
        &[
            crossing("x-1", first, CrossingDirection::Out, &[]),
            crossing("x-2", first + 10 * DAY - 1, CrossingDirection::In, &[]),
            crossing("x-3", first + 10 * DAY, CrossingDirection::In, &[]),
        ],
        rules(),
    );
    let stamped: Vec<bool> = l.crossings().iter().map(|(_, a)| a.stamp_due).collect();
    assert_eq!(stamped, [true, false, true]);
    assert_eq!(l.last_stamp_at_ms(), Some(first + 10 * DAY));
    let none = ResidentLedger::from_crossings(&[], rules());
    assert!(none.stamp_due(first));
    assert_eq!(none.next_stamp_due_at_ms(first), None);
}

#[test]
fn replays_out_of_order_two_officers_and_duplicates_give_one_answer() {
    let a = inn("x-a", at("2026-11-10", "08:00"), 1_200_000);
    let b = inn("x-b", at("2026-11-10", "09:00"), 1_200_000);
    let c = inn("x-c", at("2026-11-12", "09:00"), 300_000);
    let in_order = ResidentLedger::from_crossings(&[a.clone(), b.clone(), c.clone()], rules());
    let shuffled = ResidentLedger::from_crossings(&[c.clone(), a.clone(), b.clone()], rules());
    // Officer 1 had a and c offline, officer 2 had b and a resend of a.
    let merged =
        ResidentLedger::from_crossings(&[a.clone(), c.clone(), b.clone(), a.clone()], rules());
    let now = at("2026-11-12", "20:00");
    for l in [&shuffled, &merged] {
        assert_eq!(l.crossings(), in_order.crossings());
        assert_eq!(l.used_today_vnd(now), 300_000);
        assert_eq!(l.duty_free_days_used_this_month(now), 2);
    }
    assert_eq!(in_order.crossings()[1].1.taxable_excess_vnd, 400_000);
    // Two crossings at the same instant are ordered by id, whichever arrived first.
    let b_same = inn("x-0", a.at_ms, 1_200_000);
    let one = ResidentLedger::from_crossings(&[a.clone(), b_same.clone()], rules());
    let two = ResidentLedger::from_crossings(&[b_same, a], rules());
    assert_eq!(one.crossings(), two.crossings());
    assert_eq!(one.crossings()[0].0.id.as_str(), "x-0");
}

#[test]
fn a_rule_change_mid_month_takes_effect_on_its_date() {
    let series = |v: &[(&str, i64)]| {
        DatedSeries::new(
            "t",
            &v.iter()
                .map(|(d, n)| (d.to_string(), *n))
                .collect::<Vec<_>>(),
        )
        .unwrap()
    };
    let changed = ResidentRules {
        daily_allowance_vnd: series(&[("2020-01-01", 2_000_000), ("2026-11-15", 3_000_000)]),
        duty_free_days_per_month: series(&[("2020-01-01", 4), ("2026-11-15", 2)]),
        stamp_interval_days: series(&[("2020-01-01", 10), ("2026-11-15", 7)]),
    };
    let l = ResidentLedger::from_crossings(
        &[
            inn("x-1", at("2026-11-08", "09:00"), 2_500_000),
            inn("x-2", at("2026-11-14", "09:00"), 2_500_000),
            inn("x-3", at("2026-11-15", "09:00"), 2_500_000),
        ],
        &changed,
    );
    let a: Vec<(i64, i64)> = l
        .crossings()
        .iter()
        .map(|(_, a)| (a.duty_free_vnd, a.taxable_excess_vnd))
        .collect();
    // Two days used before the 15th; from the 15th the month allows two: none is left.
    assert_eq!(
        a,
        [(2_000_000, 500_000), (2_000_000, 500_000), (0, 2_500_000)]
    );
    let before = at("2026-11-14", "23:59");
    assert_eq!(l.duty_free_days_left_this_month(before), 2);
    assert_eq!(l.duty_free_days_left_this_month(before + 60_000), 0);
    // The stamp of the 8th: due on the 18th under the old interval, the 15th under the new.
    let stamp = at("2026-11-08", "09:00");
    assert_eq!(l.last_stamp_at_ms(), Some(at("2026-11-15", "09:00")));
    let only_first = ResidentLedger::from_crossings(&[inn("x-1", stamp, 1)], &changed);
    assert!(!only_first.stamp_due(at("2026-11-14", "23:59")));
    assert!(only_first.stamp_due(at("2026-11-15", "09:00")));
}

fn arb_crossing() -> impl Strategy<Value = Crossing> {
    let start = at("2026-10-25", "00:00");
    (
        0u8..30,
        0i64..(40 * DAY),
        any::<bool>(),
        proptest::collection::vec(0i64..3_000_000, 0..3),
    )
        .prop_map(move |(id, offset, is_in, values)| {
            let dir = if is_in {
                CrossingDirection::In
            } else {
                CrossingDirection::Out
            };
            let offset = offset - offset % (DAY / 4) + i64::from(id);
            crossing(&format!("x-{id}"), start + offset, dir, &values)
        })
}

/// Distinct crossings (ids by position), some sent twice, in any order.
fn arb_replay() -> impl Strategy<Value = Vec<Crossing>> {
    (proptest::collection::vec(arb_crossing(), 0..25), 0usize..6).prop_flat_map(|(v, dups)| {
        let mut v: Vec<Crossing> = v
            .into_iter()
            .enumerate()
            .map(|(i, mut c)| {
                c.id = CrossingId::parse(&format!("x-{i}")).unwrap();
                c
            })
            .collect();
        let again: Vec<Crossing> = v.iter().take(dups).cloned().collect();
        v.extend(again);
        Just(v).prop_shuffle()
    })
}

proptest! {
    #[test]
    fn any_order_and_any_merge_give_the_same_figures(
        cs in arb_replay(),
        split in 0usize..25,
        now_offset in 0i64..(45 * DAY),
    ) {
        let reference = ResidentLedger::from_crossings(&cs, rules());
        let mut reversed = cs.clone();
        reversed.reverse();
        let split = split.min(cs.len());
        let (one, two) = cs.split_at(split);
        let merged: Vec<Crossing> = two.iter().chain(one).chain(one).cloned().collect();
        let now = at("2026-10-25", "00:00") + now_offset;
        for l in [
            ResidentLedger::from_crossings(&reversed, rules()),
            ResidentLedger::from_crossings(&merged, rules()),
        ] {
            prop_assert_eq!(l.crossings(), reference.crossings());
            prop_assert_eq!(l.allowance_left_today_vnd(now), reference.allowance_left_today_vnd(now));
            prop_assert_eq!(l.duty_free_days_used_this_month(now), reference.duty_free_days_used_this_month(now));
            prop_assert_eq!(l.last_stamp_at_ms(), reference.last_stamp_at_ms());
        }
    }

    #[test]
    fn the_figures_stay_within_the_rules(
        cs in arb_replay(),
        now_offset in 0i64..(45 * DAY),
        proposed in 0i64..5_000_000,
    ) {
        let l = ResidentLedger::from_crossings(&cs, rules());
        let now = at("2026-10-25", "00:00") + now_offset;
        let left = l.allowance_left_today_vnd(now);
        prop_assert!((0..=2_000_000).contains(&left));
        prop_assert!(l.used_today_vnd(now) + left <= 2_000_000);
        prop_assert!((0..=4).contains(&l.duty_free_days_used_this_month(now)));
        prop_assert_eq!(
            l.duty_free_days_used_this_month(now) + l.duty_free_days_left_this_month(now),
            4
        );
        for (c, a) in l.crossings() {
            let total = if c.direction == CrossingDirection::In { c.goods_total_vnd() } else { 0 };
            prop_assert_eq!(a.duty_free_vnd + a.taxable_excess_vnd, total);
            prop_assert!(a.duty_free_vnd >= 0 && a.taxable_excess_vnd >= 0);
        }
        let a = l.assess(proposed, now);
        prop_assert_eq!(a.duty_free_vnd + a.taxable_excess_vnd, proposed);
        prop_assert!(a.duty_free_vnd <= left);
        // Stamps are at least the interval apart.
        let stamps: Vec<i64> = l.crossings().iter().filter(|(_, a)| a.stamp_due).map(|(c, _)| c.at_ms).collect();
        for w in stamps.windows(2) {
            prop_assert!(w[1] - w[0] >= 10 * DAY);
        }
    }

    #[test]
    fn a_history_cut_at_a_month_start_resumes_to_the_same_figures(
        cs in arb_replay(),
        now_offset in 0i64..(45 * DAY),
    ) {
        let full = ResidentLedger::from_crossings(&cs, rules());
        let now = at("2026-10-25", "00:00") + now_offset;
        let cut = crate::time::previous_month_start_ms(now);
        let (stamp_before, after) = full.history_since(cut);
        let resumed = ResidentLedger::resume(stamp_before, &after, rules());
        let tail: Vec<_> = full.crossings().iter().filter(|(c, _)| c.at_ms >= cut).cloned().collect();
        prop_assert_eq!(resumed.crossings(), &tail[..]);
        prop_assert_eq!(resumed.last_stamp_at_ms(), full.last_stamp_at_ms());
        prop_assert_eq!(resumed.allowance_left_today_vnd(now), full.allowance_left_today_vnd(now));
        prop_assert_eq!(resumed.duty_free_days_left_this_month(now), full.duty_free_days_left_this_month(now));
        prop_assert_eq!(resumed.stamp_due(now), full.stamp_due(now));
        // Cut again, from the resumed ledger: the anchor carries over.
        let (again, _) = resumed.history_since(now);
        prop_assert_eq!(again, full.history_since(now).0);
    }
}
