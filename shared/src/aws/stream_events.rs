//! DynamoDB Streams records as Lambda receives them: the keys of each new item (the stream
//! carries keys only; the item is read again by its key, through the one record decoder).

use serde_json::Value;

/// A new item in the table, by its keys, with the stream's sequence number (how a failed
/// record is reported back for a retry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub pk: String,
    pub sk: String,
    pub sequence_number: String,
}

/// The items an `INSERT` record of `event` names; other records are skipped.
pub fn new_items(event: &Value) -> Vec<NewItem> {
    let Some(records) = event["Records"].as_array() else {
        return Vec::new();
    };
    records
        .iter()
        .filter(|r| r["eventName"] == "INSERT")
        .filter_map(|r| {
            let change = &r["dynamodb"];
            Some(NewItem {
                pk: change["Keys"]["pk"]["S"].as_str()?.to_string(),
                sk: change["Keys"]["sk"]["S"].as_str()?.to_string(),
                sequence_number: change["SequenceNumber"].as_str()?.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inserted_keys_are_read_and_other_records_skipped() {
        let event = serde_json::json!({"Records": [
            {"eventID": "1", "eventName": "INSERT", "eventSource": "aws:dynamodb",
             "dynamodb": {"Keys": {"pk": {"S": "TENANT#t"}, "sk": {"S": "FOLLOWUP#i#f"}},
                          "SequenceNumber": "111", "SizeBytes": 26, "StreamViewType": "KEYS_ONLY"}},
            {"eventID": "2", "eventName": "REMOVE", "eventSource": "aws:dynamodb",
             "dynamodb": {"Keys": {"pk": {"S": "TENANT#t"}, "sk": {"S": "FOLLOWUP#i#g"}},
                          "SequenceNumber": "112"}}
        ]});
        assert_eq!(
            new_items(&event),
            vec![NewItem {
                pk: "TENANT#t".into(),
                sk: "FOLLOWUP#i#f".into(),
                sequence_number: "111".into()
            }]
        );
        assert!(new_items(&serde_json::json!({})).is_empty());
    }
}
