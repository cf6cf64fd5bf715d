//! Amazon Transcribe's "Transcribe Job State Change" events, as EventBridge delivers them.

use serde_json::Value;

/// The name of the job whose end (`COMPLETED` or `FAILED`) `event` reports.
pub fn ended_job(event: &Value) -> Option<String> {
    if event["source"] != "aws.transcribe" || event["detail-type"] != "Transcribe Job State Change"
    {
        return None;
    }
    let detail = &event["detail"];
    match detail["TranscriptionJobStatus"].as_str()? {
        "COMPLETED" | "FAILED" => Some(detail["TranscriptionJobName"].as_str()?.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_of_a_job_names_it() {
        let event = serde_json::json!({
            "version": "0", "id": "e1", "detail-type": "Transcribe Job State Change",
            "source": "aws.transcribe", "account": "123456789012",
            "time": "2026-11-29T10:00:00Z", "region": "eu-west-1", "resources": [],
            "detail": {"TranscriptionJobName": "reelview-x", "TranscriptionJobStatus": "COMPLETED"}
        });
        assert_eq!(ended_job(&event).as_deref(), Some("reelview-x"));
        let mut failed = event.clone();
        failed["detail"]["TranscriptionJobStatus"] = "FAILED".into();
        assert_eq!(ended_job(&failed).as_deref(), Some("reelview-x"));
        let mut running = event.clone();
        running["detail"]["TranscriptionJobStatus"] = "IN_PROGRESS".into();
        assert_eq!(ended_job(&running), None);
        let mut other = event;
        other["source"] = "aws.s3".into();
        assert_eq!(ended_job(&other), None);
    }
}
