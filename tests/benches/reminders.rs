//! The reminder job over a table of 10,000 interviews of which 1,000 are due, and the same
//! job where fewer are due or the table is smaller: its store calls, emails and time follow
//! what is due, not the size of the table (it reads the sparse due index, never scans).
//! In process on the embedded store kept in memory; the AWS calls of one due interview on
//! the emulator are in `calls`.

use crate::report::{ms, Report, Table};
use crate::world::World;
use axum::http::Method;
use reelview::app::reminders;
use std::time::Instant;

/// (interviews, of which due)
const CASES: [(usize, usize); 3] = [(1_000, 100), (10_000, 100), (10_000, 1_000)];

pub async fn run(report: &mut Report) {
    let mut table = Table::new(&[
        "interviews",
        "due",
        "reminders sent",
        "store calls",
        "by kind",
        "calls per due",
        "time",
        "time per due",
    ]);
    for (total, due) in CASES {
        let world = World::new();
        let (key, position, _) = world.tenant_and_position().await;
        let path = format!("/v1/positions/{position}/interviews");
        // The default policy reminds 48 hours after the invitation: those invited three
        // days ago are due now, the others in two days.
        let now = chrono::Utc::now();
        for i in 0..total {
            let at = if i < due {
                now - chrono::Duration::days(3)
            } else {
                now
            };
            world.clock.set(at);
            let body = reelview_tests::candidate(&format!("c{i}@example.com"));
            let (status, reply) = world
                .json(Method::POST, &path, Some(&key), Some(&body))
                .await;
            assert_eq!(status, 201, "{reply}");
        }
        world.clock.set(now);
        world.counts.take();
        let started = Instant::now();
        let summary = reminders::run(&world.app, &world.links, now, None)
            .await
            .expect("the reminder job runs");
        let took = started.elapsed();
        let calls = world.counts.take();
        assert_eq!(summary.sent as usize, due, "{summary:?}");
        table.row(vec![
            total.to_string(),
            due.to_string(),
            calls.mails.to_string(),
            calls.store_calls().to_string(),
            format!(
                "get {}, query {}, write {}",
                calls.get + calls.batch_get,
                calls.query,
                calls.write
            ),
            format!("{:.2}", calls.store_calls() as f64 / due as f64),
            ms(took),
            format!("{:.0} µs", took.as_secs_f64() * 1e6 / due as f64),
        ]);
    }
    report.section(
        "Reminder job",
        format!(
            "`reelview::app::reminders::run` over tables of invited interviews (default \
             policy: a reminder 48 hours after the invitation), in process on the embedded \
             store kept in memory; each store call is one DynamoDB request deployed (a query \
             is one page of the due index). The same work per due interview whatever the \
             table holds.\n\n{}",
            table.markdown()
        ),
    );
}
