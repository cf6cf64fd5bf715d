//! An `App` on the embedded adapters with a clock the test moves, for use-case tests.

use super::{invite, positions, App, Caller, Links};
use crate::domain::LinkKey;
use crate::domain::Position;
use crate::local::{DiskVideos, LocalStore, OutboxMailer};
use crate::ports::Clock;
use chrono::{DateTime, Utc};
use serde_json::json;
use std::sync::{Arc, Mutex};

pub struct TestClock(Mutex<DateTime<Utc>>);

impl TestClock {
    pub fn advance(&self, by: chrono::Duration) {
        *self.0.lock().expect("clock") += by;
    }
}

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock")
    }
}

pub fn app(dir: &std::path::Path) -> (App, Arc<TestClock>) {
    let store = Arc::new(LocalStore::open(dir).expect("store"));
    // Ten in the morning of today (UTC): close to the wall clock that signed URLs use, and far
    // enough from midnight that a test moving the clock by hours stays within one day.
    let morning = Utc::now()
        .date_naive()
        .and_hms_opt(10, 0, 0)
        .expect("a valid time")
        .and_utc();
    let clock = Arc::new(TestClock(Mutex::new(morning)));
    let mut app = App::with_store(store, clock.clone());
    app.videos = Some(Arc::new(
        DiskVideos::open(dir, "http://127.0.0.1:1").expect("videos"),
    ));
    app.mailer = Some(Arc::new(OutboxMailer::new(
        dir.join("outbox"),
        "test@reelview.test".into(),
    )));
    app.links = Some(Links::new(
        Some("http://127.0.0.1:1"),
        LinkKey::new([9; 32]),
    ));
    (app, clock)
}

pub fn caller() -> Caller {
    Caller {
        tenant_id: crate::domain::TenantId::new(),
        tenant_name: "Acme".into(),
        monthly_invite_limit: None,
        key_id: Some(crate::domain::ApiKeyId::new()),
        key_label: "Ana (recruiter)".into(),
    }
}

/// Ana, invited by `caller` to a new one-question position, with a deadline `deadline_in`
/// from now.
pub async fn invited_by(
    app: &App,
    caller: &Caller,
    deadline_in: chrono::Duration,
) -> (String, Position) {
    let position: positions::NewPosition =
        serde_json::from_value(json!({ "name": "Engineer", "questions": [{ "text": "Why?" }] }))
            .unwrap();
    let position = positions::create_position(app, caller, position)
        .await
        .unwrap();
    let input: invite::InviteInput = serde_json::from_value(json!({
        "candidate": { "email": "ana@example.com", "firstName": "Ana", "lastName": "Silva" },
        "sendEmail": false,
        "deadline": (app.clock.now() + deadline_in).to_rfc3339(),
    }))
    .unwrap();
    let links = app.links().unwrap();
    let invited = invite::invite(app, links, caller, &position.id.to_string(), input)
        .await
        .unwrap();
    (
        invited.url.rsplit('/').next().unwrap().to_string(),
        position,
    )
}
