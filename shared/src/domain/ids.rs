//! Identifiers. Each is a distinct type so a position id can never be passed where an
//! interview id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new id. Version 7 uuids sort by creation time, which keeps listings stable.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Parses an id from a path segment; `None` for anything that is not a uuid.
            pub fn parse(raw: &str) -> Option<Self> {
                Uuid::parse_str(raw).ok().map(Self)
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// A customer organisation; every stored item belongs to exactly one.
    TenantId
);
id_type!(
    /// A job opening with its questions.
    PositionId
);
id_type!(
    /// One question of a position.
    QuestionId
);
id_type!(
    /// One candidate's interview for one position.
    InterviewId
);
id_type!(
    /// One upload attempt of an answer.
    UploadId
);
id_type!(
    /// One share link of an interview.
    ShareId
);
id_type!(
    /// One API key of a tenant.
    ApiKeyId
);
id_type!(
    /// One reviewer comment on an interview.
    CommentId
);
id_type!(
    /// One webhook subscription of a tenant.
    WebhookId
);
id_type!(
    /// One event told to webhooks (the same id on every delivery and retry of it).
    EventId
);
id_type!(
    /// One event's delivery to one subscription.
    DeliveryId
);
