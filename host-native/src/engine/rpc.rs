//! JSON-RPC 2.0 envelopes: request parsing (single and batch), positional parameters, error
//! codes (JSON-RPC and Engine API) and responses.

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// Invalid JSON was received.
pub(crate) const PARSE_ERROR: i64 = -32700;
/// The JSON is not a valid request object.
pub(crate) const INVALID_REQUEST: i64 = -32600;
/// The method does not exist or is not available on this server.
pub(crate) const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters.
pub(crate) const INVALID_PARAMS: i64 = -32602;
/// Internal error (store failure, missing state).
pub(crate) const INTERNAL_ERROR: i64 = -32603;
/// Engine API: the payload id is unknown.
pub(crate) const UNKNOWN_PAYLOAD: i64 = -38001;
/// Engine API: the forkchoice state is inconsistent.
pub(crate) const INVALID_FORKCHOICE_STATE: i64 = -38002;
/// Engine API: the payload attributes are invalid.
pub(crate) const INVALID_PAYLOAD_ATTRIBUTES: i64 = -38003;
/// Engine API: the request is too large.
pub(crate) const TOO_LARGE_REQUEST: i64 = -38004;
/// Engine API: the method version does not serve the payload's fork.
pub(crate) const UNSUPPORTED_FORK: i64 = -38005;

/// Most requests one batch may hold.
const MAX_BATCH: usize = 1024;

/// The standard message of a JSON-RPC or Engine API error code.
const fn standard_message(code: i64) -> Option<&'static str> {
    Some(match code {
        PARSE_ERROR => "Parse error",
        INVALID_REQUEST => "Invalid Request",
        METHOD_NOT_FOUND => "Method not found",
        INVALID_PARAMS => "Invalid params",
        INTERNAL_ERROR => "Internal error",
        UNKNOWN_PAYLOAD => "Unknown payload",
        INVALID_FORKCHOICE_STATE => "Invalid forkchoice state",
        INVALID_PAYLOAD_ATTRIBUTES => "Invalid payload attributes",
        TOO_LARGE_REQUEST => "Too large request",
        UNSUPPORTED_FORK => "Unsupported fork",
        _ => return None,
    })
}

/// A JSON-RPC error object. Standard codes carry their standard message and the detail in
/// `data.err` (as geth does); other codes (e.g. -32000 for a refused transaction) carry the
/// detail as message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JSON-RPC error {code}: {message}")]
pub(crate) struct RpcError {
    /// The error code.
    pub(crate) code: i64,
    /// The message.
    pub(crate) message: String,
    /// What exactly was wrong, for standard codes.
    pub(crate) data: Option<String>,
}

impl RpcError {
    /// An error with `code` and a one-line `detail`.
    pub(crate) fn new(code: i64, detail: impl Into<String>) -> Self {
        let detail = detail.into();
        match standard_message(code) {
            Some(message) => Self { code, message: message.into(), data: Some(detail) },
            None => Self { code, message: detail, data: None },
        }
    }

    /// -32602 Invalid params.
    pub(crate) fn invalid_params(detail: impl std::fmt::Display) -> Self {
        Self::new(INVALID_PARAMS, detail.to_string())
    }

    /// -32603 Internal error.
    pub(crate) fn internal(detail: impl std::fmt::Display) -> Self {
        Self::new(INTERNAL_ERROR, detail.to_string())
    }

    /// -38005 Unsupported fork.
    pub(crate) fn unsupported_fork(detail: impl std::fmt::Display) -> Self {
        Self::new(UNSUPPORTED_FORK, detail.to_string())
    }

    /// -38003 Invalid payload attributes.
    pub(crate) fn invalid_attributes(detail: impl std::fmt::Display) -> Self {
        Self::new(INVALID_PAYLOAD_ATTRIBUTES, detail.to_string())
    }

    fn to_json(&self) -> Value {
        match &self.data {
            // geth's shape: the spec's `{"err": ...}` data object of -32000.
            Some(data) => {
                json!({ "code": self.code, "message": self.message, "data": { "err": data } })
            }
            None => json!({ "code": self.code, "message": self.message }),
        }
    }
}

/// Positional parameters of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Params(Vec<Value>);

impl Params {
    /// Parameters from a request's `params` member (absent = none).
    pub(crate) fn from_value(value: Option<Value>) -> Result<Self, RpcError> {
        match value {
            None | Some(Value::Null) => Ok(Self(Vec::new())),
            Some(Value::Array(items)) => Ok(Self(items)),
            Some(_) => Err(RpcError::invalid_params("params must be an array")),
        }
    }

    /// Fails when more than `max` parameters were given.
    pub(crate) fn at_most(&self, max: usize) -> Result<(), RpcError> {
        if self.0.len() > max {
            return Err(RpcError::invalid_params(format!(
                "expected at most {max} parameters, got {}",
                self.0.len()
            )));
        }
        Ok(())
    }

    /// The required parameter at `index`, which must not be null.
    pub(crate) fn required<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
    ) -> Result<T, RpcError> {
        match self.0.get(index) {
            None | Some(Value::Null) => {
                Err(RpcError::invalid_params(format!("missing parameter {index} ({name})")))
            }
            Some(value) => T::deserialize(value)
                .map_err(|e| RpcError::invalid_params(format!("parameter {index} ({name}): {e}"))),
        }
    }

    /// The optional parameter at `index` (absent or null = `None`).
    pub(crate) fn optional<T: DeserializeOwned>(
        &self,
        index: usize,
        name: &str,
    ) -> Result<Option<T>, RpcError> {
        match self.0.get(index) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.required(index, name).map(Some),
        }
    }
}

/// One parsed call.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    /// The method name.
    pub(crate) method: String,
    /// Its parameters.
    pub(crate) params: Params,
}

/// Handles a request body: parses it, calls `dispatch` for each call in order and returns the
/// response body (`None` when every call was a notification).
pub(crate) fn handle_body(
    body: &[u8],
    mut dispatch: impl FnMut(Call) -> Result<Value, RpcError>,
) -> Option<Value> {
    let request: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(e) => {
            return Some(error_response(Value::Null, &RpcError::new(PARSE_ERROR, e.to_string())));
        }
    };
    match request {
        Value::Array(items) if items.is_empty() => {
            Some(error_response(Value::Null, &RpcError::new(INVALID_REQUEST, "empty batch")))
        }
        Value::Array(items) if items.len() > MAX_BATCH => Some(error_response(
            Value::Null,
            &RpcError::new(
                INVALID_REQUEST,
                format!("batch of {} exceeds {MAX_BATCH}", items.len()),
            ),
        )),
        Value::Array(items) => {
            let responses: Vec<Value> =
                items.into_iter().filter_map(|item| handle_one(item, &mut dispatch)).collect();
            (!responses.is_empty()).then_some(Value::Array(responses))
        }
        single => handle_one(single, &mut dispatch),
    }
}

fn handle_one(
    request: Value,
    dispatch: &mut impl FnMut(Call) -> Result<Value, RpcError>,
) -> Option<Value> {
    let Value::Object(mut object) = request else {
        return Some(error_response(
            Value::Null,
            &RpcError::new(INVALID_REQUEST, "request is not an object"),
        ));
    };
    let id = object.remove("id");
    let is_notification = id.is_none();
    let id = id.unwrap_or(Value::Null);
    if !matches!(id, Value::Null | Value::Number(_) | Value::String(_)) {
        return Some(error_response(
            Value::Null,
            &RpcError::new(INVALID_REQUEST, "id must be a number, string or null"),
        ));
    }
    let method = match object.remove("method") {
        Some(Value::String(method)) => method,
        _ => {
            return Some(error_response(id, &RpcError::new(INVALID_REQUEST, "missing method")));
        }
    };
    let result = Params::from_value(object.remove("params"))
        .and_then(|params| dispatch(Call { method, params }));
    if is_notification {
        return None;
    }
    Some(match result {
        Ok(result) => json!({ "jsonrpc": "2.0", "id": id, "result": result }),
        Err(e) => error_response(id, &e),
    })
}

fn error_response(id: Value, error: &RpcError) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": error.to_json() })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn echo(call: Call) -> Result<Value, RpcError> {
        match call.method.as_str() {
            "echo" => call.params.required::<Value>(0, "value"),
            _ => Err(RpcError::new(METHOD_NOT_FOUND, "no")),
        }
    }

    #[test]
    fn parse_error_batch_and_notifications() {
        let out = handle_body(b"{not json", echo).unwrap();
        assert_eq!(out["error"]["code"], PARSE_ERROR);
        assert_eq!(out["error"]["message"], "Parse error");
        assert!(out["error"]["data"]["err"].is_string());
        assert_eq!(out["id"], Value::Null);

        let out = handle_body(
            br#"[{"jsonrpc":"2.0","id":1,"method":"echo","params":[5]},{"jsonrpc":"2.0","method":"echo","params":[6]},{"jsonrpc":"2.0","id":"x","method":"nope"}]"#,
            echo,
        )
        .unwrap();
        assert_eq!(out[0]["result"], 5);
        assert_eq!(out[1]["error"]["code"], METHOD_NOT_FOUND);
        assert_eq!(out[1]["id"], "x");
        assert!(out.get(2).is_none());

        assert_eq!(handle_body(b"[]", echo).unwrap()["error"]["code"], INVALID_REQUEST);
        assert_eq!(handle_body(b"7", echo).unwrap()["error"]["code"], INVALID_REQUEST);
        let out = handle_body(br#"{"id":2,"method":"echo","params":{"a":1}}"#, echo).unwrap();
        assert_eq!(out["error"]["code"], INVALID_PARAMS);
        let out = handle_body(br#"{"id":2,"method":"echo"}"#, echo).unwrap();
        assert_eq!(out["error"]["code"], INVALID_PARAMS);
    }
}
