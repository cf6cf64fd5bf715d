//! The advisory evaluation's model on Amazon Bedrock, through the Converse API: one request
//! shape for every model family Bedrock serves, so changing the model is configuration.

use crate::domain::EvaluationPrompt;
use crate::ports::{Evaluator, ModelReply, PortResult, Unavailable};
use async_trait::async_trait;
use aws_sdk_bedrockruntime::error::DisplayErrorContext;
use aws_sdk_bedrockruntime::types::{
    ContentBlock, ConversationRole, InferenceConfiguration, Message, StopReason, SystemContentBlock,
};

/// Room for the evaluation's JSON reply (a score and a few sentences per question) with a
/// margin; a reply cut short at this limit fails the domain's reply check.
const MAX_REPLY_TOKENS: i32 = 2000;

/// One Bedrock model, by its model id or inference profile id (e.g.
/// `anthropic.claude-3-5-haiku-20241022-v1:0` or `eu.anthropic.claude-…`).
pub struct BedrockEvaluator {
    client: aws_sdk_bedrockruntime::Client,
    model_id: String,
}

impl BedrockEvaluator {
    pub fn new(client: aws_sdk_bedrockruntime::Client, model_id: String) -> Self {
        Self { client, model_id }
    }
}

/// A token count as the port counts them (Bedrock's are signed 32-bit integers).
fn tokens(count: i32) -> u64 {
    u64::try_from(count).unwrap_or(0)
}

#[async_trait]
impl Evaluator for BedrockEvaluator {
    fn model(&self) -> &str {
        &self.model_id
    }

    async fn reply(&self, prompt: &EvaluationPrompt) -> PortResult<ModelReply> {
        let question = Message::builder()
            .role(ConversationRole::User)
            .content(ContentBlock::Text(prompt.user.clone()))
            .build()
            .map_err(|e| Unavailable::from_err("building the Bedrock message", e))?;
        // Temperature 0: the same answers should get the same advice.
        let inference = InferenceConfiguration::builder()
            .temperature(0.0)
            .max_tokens(MAX_REPLY_TOKENS)
            .build();
        let reply = self
            .client
            .converse()
            .model_id(&self.model_id)
            .system(SystemContentBlock::Text(prompt.system.clone()))
            .messages(question)
            .inference_config(inference)
            .send()
            .await
            .map_err(|e| {
                Unavailable::from_err(
                    &format!("Bedrock Converse with {}", self.model_id),
                    DisplayErrorContext(e),
                )
            })?;
        let Some(message) = reply.output().and_then(|output| output.as_message().ok()) else {
            return Err(Unavailable(format!(
                "Bedrock Converse with {}: the reply holds no message",
                self.model_id
            )));
        };
        // A model may answer in several text blocks (and, for some, reasoning blocks, which
        // are not the answer).
        let text: String = message
            .content()
            .iter()
            .filter_map(|block| block.as_text().ok())
            .map(String::as_str)
            .collect();
        if *reply.stop_reason() == StopReason::MaxTokens {
            tracing::warn!(
                model = %self.model_id,
                "the evaluation reply was cut short at {MAX_REPLY_TOKENS} tokens"
            );
        }
        let usage = reply.usage();
        Ok(ModelReply {
            text,
            input_tokens: usage.map_or(0, |u| tokens(u.input_tokens())),
            output_tokens: usage.map_or(0, |u| tokens(u.output_tokens())),
        })
    }
}
