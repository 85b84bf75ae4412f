//! Deadlines per second on one core for the two plans of the source document, over starts
//! spread across 2026: `cargo bench -p kabinet-core --bench deadlines`.

use std::hint::black_box;
use std::time::Instant;

use chrono::{DateTime, Utc};
use kabinet_core::calendar::{Calendar, Window, russia_2026_holidays};
use kabinet_core::support::Terms;

const STARTS: usize = 2_000_000;
const REPETITIONS: usize = 5;

fn calendar(working: &str, rest: &str) -> Calendar {
    let moscow = kabinet_core::time::zone("Europe/Moscow").expect("the bundled time zone database has Moscow");
    let parse = |text| Window::parse_list(text).expect("the plans' windows are well written");
    Calendar::new(moscow, parse(working), parse(rest), russia_2026_holidays(), []).expect("windows do not overlap")
}

/// Seconds of 2026 from a fixed linear congruential sequence, so every run times the same work.
fn starts() -> Vec<DateTime<Utc>> {
    let year_start = DateTime::from_timestamp(1_767_225_600, 0).expect("1 January 2026 is a valid instant");
    let mut state: u64 = 0x2026;
    (0..STARTS)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let second = (state >> 33) % (365 * 86_400);
            DateTime::from_timestamp(year_start.timestamp() + second as i64, 0).expect("2026 is a valid year")
        })
        .collect()
}

/// Deadlines per second for one plan and term, printed as it goes.
fn rate(name: &str, calendar: &Calendar, minutes: u32, starts: &[DateTime<Utc>]) -> f64 {
    let began = Instant::now();
    let mut found = 0usize;
    for &start in starts {
        found += usize::from(black_box(calendar.add_working_minutes(black_box(start), minutes)).is_some());
    }
    let seconds = began.elapsed().as_secs_f64();
    assert_eq!(found, starts.len(), "every start in 2026 has a deadline");
    let rate = starts.len() as f64 / seconds;
    println!(
        "{name} {minutes} min: {} deadlines in {seconds:.2} s = {:.1} M/s",
        starts.len(),
        rate / 1e6
    );
    rate
}

fn main() {
    let began = Instant::now();
    let priority = calendar("10:00-18:00", "12:00-18:00");
    let by_fact = calendar("10:00-18:00", "");
    println!("two calendars built in {:.1} ms", began.elapsed().as_secs_f64() * 1e3);

    let starts = starts();
    let cases = [
        ("priority", &priority, 60),
        ("priority", &priority, 720),
        ("by_fact", &by_fact, 1440),
        ("by_fact", &by_fact, 4320),
    ];
    let mut rates = vec![Vec::with_capacity(REPETITIONS); cases.len()];
    for _ in 0..REPETITIONS {
        for (&(name, calendar, minutes), case_rates) in cases.iter().zip(&mut rates) {
            case_rates.push(rate(name, calendar, minutes, &starts));
        }
    }
    println!("median of {REPETITIONS} repetitions:");
    for (&(name, _, minutes), case_rates) in cases.iter().zip(&mut rates) {
        case_rates.sort_by(f64::total_cmp);
        println!("{name} {minutes} min: {:.1} M/s", case_rates[REPETITIONS / 2] / 1e6);
    }

    // What a ticket's registration computes: both clocks, each with its deadline and the moment
    // it starts to breach soon — four instants.
    let terms = Terms {
        reaction_minutes: Some(24 * 60),
        resolution_minutes: Some(72 * 60),
    };
    let mut ticket_rates: Vec<f64> = (0..REPETITIONS)
        .map(|_| {
            let began = Instant::now();
            for &start in &starts {
                black_box(terms.deadlines(&by_fact, black_box(start)));
            }
            starts.len() as f64 / began.elapsed().as_secs_f64()
        })
        .collect();
    ticket_rates.sort_by(f64::total_cmp);
    println!(
        "a ticket's two clocks (by_fact typical, deadline and warning of each): median {:.1} M tickets/s",
        ticket_rates[REPETITIONS / 2] / 1e6
    );
}
