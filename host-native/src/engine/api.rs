//! The `engine_` namespace: capabilities, forkchoiceUpdated V1-V3, getPayload V2-V4 and
//! newPayload V2-V4.

use alloy_consensus::Block;
use alloy_eips::eip7685::EMPTY_REQUESTS_HASH;
use alloy_primitives::{B256, Bytes};
use alloy_rpc_types_engine::{
    ExecutionPayloadInputV2, ExecutionPayloadV3, ForkchoiceState, PayloadId,
};
use keel_core::executor::{ExecError, build_block};

use super::metrics::Execution;
use op_alloy_rpc_types_engine::{OpExecutionPayloadV4, OpPayloadAttributes};
use serde_json::{Value, json};

use super::{
    Node, chain,
    chain::ChainError,
    eth,
    payload::{self, BuiltPayload, EngineFork},
    rpc::{self, Call, Params, RpcError},
    store::StoredBlock,
    txpool,
};

/// The Engine API methods this server answers, as `engine_exchangeCapabilities` lists them
/// (never itself, per the spec).
pub(crate) const CAPABILITIES: &[&str] = &[
    "engine_forkchoiceUpdatedV1",
    "engine_forkchoiceUpdatedV2",
    "engine_forkchoiceUpdatedV3",
    "engine_getPayloadV2",
    "engine_getPayloadV3",
    "engine_getPayloadV4",
    "engine_newPayloadV2",
    "engine_newPayloadV3",
    "engine_newPayloadV4",
    "engine_getClientVersionV1",
];

/// Answers one call on the authenticated server: `engine_` methods, then the `eth_` namespace.
pub(crate) fn dispatch(node: &mut Node, call: Call) -> Result<Value, RpcError> {
    let p = &call.params;
    match call.method.as_str() {
        "engine_exchangeCapabilities" => {
            p.at_most(1)?;
            let _theirs: Vec<String> = p.required(0, "capabilities")?;
            Ok(json!(CAPABILITIES))
        }
        "engine_getClientVersionV1" => {
            p.at_most(1)?;
            let _theirs: Value = p.required(0, "clientVersion")?;
            Ok(json!([{
                "code": "KL",
                "name": "keel",
                "version": env!("CARGO_PKG_VERSION"),
                "commit": "0x00000000",
            }]))
        }
        "engine_forkchoiceUpdatedV1" => forkchoice_updated(node, 1, p),
        "engine_forkchoiceUpdatedV2" => forkchoice_updated(node, 2, p),
        "engine_forkchoiceUpdatedV3" => forkchoice_updated(node, 3, p),
        "engine_getPayloadV2" => get_payload(node, 2, p),
        "engine_getPayloadV3" => get_payload(node, 3, p),
        "engine_getPayloadV4" => get_payload(node, 4, p),
        "engine_newPayloadV2" => new_payload_v2(node, p),
        "engine_newPayloadV3" => new_payload_v3(node, p),
        "engine_newPayloadV4" => new_payload_v4(node, p),
        _ => eth::dispatch(node, call),
    }
}

fn status(status: &str, latest_valid_hash: Option<B256>, error: Option<String>) -> Value {
    json!({ "status": status, "latestValidHash": latest_valid_hash, "validationError": error })
}

fn chain_err(e: ChainError) -> RpcError {
    match e {
        ChainError::NotAncestor { .. } => {
            RpcError::new(rpc::INVALID_FORKCHOICE_STATE, e.to_string())
        }
        other => RpcError::internal(other),
    }
}

/// Errors of the state source (a corrupt or incomplete store), as opposed to an invalid block.
fn is_state_error(e: &ExecError) -> bool {
    matches!(
        e,
        ExecError::MissingPreimage(_)
            | ExecError::InvalidTrieNode { .. }
            | ExecError::InvalidTrieKey(_)
            | ExecError::InvalidAccount(_)
            | ExecError::InvalidStorage { .. }
            | ExecError::MissingBlockHash(_)
            | ExecError::InvalidBlockHeader { .. }
    )
}

fn forkchoice_updated(node: &mut Node, version: u8, p: &Params) -> Result<Value, RpcError> {
    p.at_most(2)?;
    let state: ForkchoiceState = p.required(0, "forkchoiceState")?;
    let attrs = match p.optional::<Value>(1, "payloadAttributes")? {
        Some(value) => Some(payload::parse_attributes(value)?),
        None => None,
    };
    if let Some(attrs) = &attrs {
        payload::check_attributes_version(&node.config, version, attrs)?;
    }
    let read = node.store.read().map_err(RpcError::internal)?;
    if let Some(latest_valid) = node.invalid.get(&state.head_block_hash) {
        let error = format!("head {} was found invalid", state.head_block_hash);
        return Ok(json!({
            "payloadStatus": status("INVALID", Some(latest_valid), Some(error)),
            "payloadId": null,
        }));
    }
    let Some(head) = read.block(state.head_block_hash).map_err(RpcError::internal)? else {
        tracing::info!(head = %state.head_block_hash, "forkchoiceUpdated: unknown head, SYNCING");
        return Ok(json!({ "payloadStatus": status("SYNCING", None, None), "payloadId": null }));
    };
    drop(read);

    let write = node.store.write().map_err(RpcError::internal)?;
    let change = chain::set_forkchoice(
        &write,
        state.head_block_hash,
        state.safe_block_hash,
        state.finalized_block_hash,
    )
    .map_err(chain_err)?;
    write.commit().map_err(RpcError::internal)?;
    // Transactions of blocks that left the chain go back to the pool (deposits, and ones the
    // new chain also holds, do not); the new chain's transactions and used nonces leave it.
    for raw in change.removed.iter().flat_map(|b| &b.transactions) {
        if let Ok(tx) = txpool::check(raw, node.config.l2_chain_id) {
            let _ = node.pool.insert(&tx, raw.clone(), 0);
        }
    }
    node.pool.remove(
        change.added.iter().flat_map(|b| b.transactions.iter().map(alloy_primitives::keccak256)),
    );
    prune_pool(node, &head.header);
    tracing::debug!(
        head = %state.head_block_hash,
        number = head.header.number,
        safe = %state.safe_block_hash,
        finalized = %state.finalized_block_hash,
        "forkchoice updated"
    );

    let payload_id = match attrs {
        Some(attrs) => Some(build(node, version, state.head_block_hash, &head, &attrs)?),
        None => None,
    };
    Ok(json!({
        "payloadStatus": status("VALID", Some(state.head_block_hash), None),
        "payloadId": payload_id,
    }))
}

/// Drops pooled transactions whose nonce the new head's state has used.
fn prune_pool(node: &mut Node, head: &alloy_consensus::Header) {
    let Ok(read) = node.store.read() else { return };
    for sender in node.pool.senders() {
        match keel_core::executor::read_account(head.state_root, sender, &read) {
            Ok(account) => node.pool.prune_below(sender, account.map_or(0, |a| a.nonce)),
            Err(e) => tracing::warn!(%sender, error = %e, "cannot read a pool sender's nonce"),
        }
    }
}

/// Builds a block on `head` now and keeps it under its payload id.
fn build(
    node: &mut Node,
    version: u8,
    head_hash: B256,
    head: &StoredBlock,
    attrs: &OpPayloadAttributes,
) -> Result<PayloadId, RpcError> {
    payload::validate_attributes(&node.config, &head.header, attrs)?;
    let id = payload::payload_id(&head_hash, attrs, version);
    if node.payloads.get(&id).is_some() {
        return Ok(id);
    }
    let pool = if attrs.no_tx_pool == Some(true) { Vec::new() } else { node.pool.pending() };
    let read = node.store.read().map_err(RpcError::internal)?;
    let started = std::time::Instant::now();
    let built = build_block(&node.config, &head.header, attrs, &pool, &read).map_err(|e| {
        if is_state_error(&e) { RpcError::internal(e) } else { RpcError::invalid_attributes(e) }
    })?;
    node.metrics.executed(Execution::Build, built.header.gas_used, started.elapsed());
    // Rejected pool transactions stay pooled (a full block, a nonce gap); stale ones leave
    // when a head makes their nonce used.
    for rejected in &built.rejected {
        tracing::debug!(hash = %rejected.hash, reason = %rejected.reason, "pool transaction left out");
    }
    let block = StoredBlock::executed(built.header, built.transactions, &built.receipts);
    let block_value = payload::block_value(&block.header, &block.transactions, &built.receipts);
    tracing::info!(
        id = %id,
        number = block.header.number,
        hash = %built.hash,
        txs = block.transactions.len(),
        pool_rejected = built.rejected.len(),
        "built payload"
    );
    node.payloads.insert(
        id,
        BuiltPayload { hash: built.hash, block, preimages: built.preimages, block_value },
    );
    Ok(id)
}

fn get_payload(node: &mut Node, version: u8, p: &Params) -> Result<Value, RpcError> {
    p.at_most(1)?;
    let id: PayloadId = p.required(0, "payloadId")?;
    let payload = node
        .payloads
        .get(&id)
        .ok_or_else(|| RpcError::new(rpc::UNKNOWN_PAYLOAD, format!("no payload with id {id}")))?;
    payload::envelope(&node.config, version, payload)
}

/// The payload's `timestamp`, read before the payload is parsed as a version's structure.
fn raw_timestamp(p: &Params) -> Option<u64> {
    let payload: Value = p.optional(0, "executionPayload").ok()??;
    let hex = payload.get("timestamp")?.as_str()?.strip_prefix("0x")?;
    u64::from_str_radix(hex, 16).ok()
}

fn new_payload_v2(node: &mut Node, p: &Params) -> Result<Value, RpcError> {
    p.at_most(1)?;
    // The fork comes first: a later fork's payload (with its extra fields) is -38005.
    if raw_timestamp(p).is_some_and(|ts| EngineFork::at(&node.config, ts) >= EngineFork::Ecotone) {
        return Err(RpcError::unsupported_fork(
            "newPayloadV2 cannot import Ecotone (Cancun) payloads; use V3",
        ));
    }
    let input: ExecutionPayloadInputV2 = p.required(0, "executionPayload")?;
    let fork = EngineFork::at(&node.config, input.execution_payload.timestamp);
    if fork >= EngineFork::Ecotone {
        return Err(RpcError::unsupported_fork(
            "newPayloadV2 cannot import Ecotone (Cancun) payloads; use V3",
        ));
    }
    match (fork == EngineFork::Canyon, input.withdrawals.is_some()) {
        (true, false) => {
            return Err(RpcError::invalid_params("Canyon payloads need withdrawals (V2)"));
        }
        (false, true) => {
            return Err(RpcError::invalid_params("pre-Canyon payloads must not have withdrawals"));
        }
        _ => {}
    }
    let claimed = input.execution_payload.block_hash;
    let block = match input.withdrawals {
        Some(withdrawals) => alloy_rpc_types_engine::ExecutionPayloadV2 {
            payload_inner: input.execution_payload,
            withdrawals,
        }
        .into_block_raw(),
        None => input.execution_payload.into_block_raw(),
    };
    match block {
        Ok(block) => import_payload(node, block, claimed),
        Err(e) => Ok(status("INVALID", None, Some(e.to_string()))),
    }
}

fn new_payload_v3(node: &mut Node, p: &Params) -> Result<Value, RpcError> {
    p.at_most(3)?;
    // A later fork's payload (with its extra fields) is -38005; a missing field is -32602.
    if raw_timestamp(p).is_some_and(|ts| EngineFork::at(&node.config, ts) >= EngineFork::Isthmus) {
        return Err(RpcError::unsupported_fork(
            "newPayloadV3 cannot import Isthmus (Prague) payloads; use V4",
        ));
    }
    let payload: ExecutionPayloadV3 = p.required(0, "executionPayload")?;
    let hashes: Vec<B256> = p.required(1, "expectedBlobVersionedHashes")?;
    let beacon_root: B256 = p.required(2, "parentBeaconBlockRoot")?;
    let ts = payload.payload_inner.payload_inner.timestamp;
    if EngineFork::at(&node.config, ts) != EngineFork::Ecotone {
        return Err(RpcError::unsupported_fork(
            "newPayloadV3 imports only Ecotone to Holocene (Cancun) payloads",
        ));
    }
    if !hashes.is_empty() {
        return Ok(status(
            "INVALID",
            None,
            Some("expectedBlobVersionedHashes must be empty (no blob transactions on L2)".into()),
        ));
    }
    let claimed = payload.payload_inner.payload_inner.block_hash;
    match payload.into_block_raw() {
        Ok(mut block) => {
            block.header.parent_beacon_block_root = Some(beacon_root);
            import_payload(node, block, claimed)
        }
        Err(e) => Ok(status("INVALID", None, Some(e.to_string()))),
    }
}

fn new_payload_v4(node: &mut Node, p: &Params) -> Result<Value, RpcError> {
    p.at_most(4)?;
    let payload: OpExecutionPayloadV4 = p.required(0, "executionPayload")?;
    let hashes: Vec<B256> = p.required(1, "expectedBlobVersionedHashes")?;
    let beacon_root: B256 = p.required(2, "parentBeaconBlockRoot")?;
    let requests: Vec<Bytes> = p.required(3, "executionRequests")?;
    let ts = payload.payload_inner.payload_inner.payload_inner.timestamp;
    if EngineFork::at(&node.config, ts) < EngineFork::Isthmus {
        return Err(RpcError::unsupported_fork(
            "newPayloadV4 imports only Isthmus (Prague) and later payloads",
        ));
    }
    if !requests.is_empty() {
        return Err(RpcError::invalid_params("OP Stack executionRequests must be empty"));
    }
    if !hashes.is_empty() {
        return Ok(status(
            "INVALID",
            None,
            Some("expectedBlobVersionedHashes must be empty (no blob transactions on L2)".into()),
        ));
    }
    let claimed = payload.payload_inner.payload_inner.payload_inner.block_hash;
    match payload.into_block_raw() {
        Ok(mut block) => {
            block.header.parent_beacon_block_root = Some(beacon_root);
            block.header.requests_hash = Some(EMPTY_REQUESTS_HASH);
            import_payload(node, block, claimed)
        }
        Err(e) => Ok(status("INVALID", None, Some(e.to_string()))),
    }
}

/// Validates and stores a received block (not canonical): hash check, parent lookup,
/// re-execution (skipped for blocks keel built), hash equality.
fn import_payload(node: &mut Node, block: Block<Bytes>, claimed: B256) -> Result<Value, RpcError> {
    let hash = block.header.hash_slow();
    if hash != claimed {
        return Ok(status(
            "INVALID",
            None,
            Some(format!("blockHash {claimed} does not match the payload's header hash {hash}")),
        ));
    }
    let read = node.store.read().map_err(RpcError::internal)?;
    if read.has_block(hash).map_err(RpcError::internal)? {
        return Ok(status("VALID", Some(hash), None));
    }
    let parent_hash = block.header.parent_hash;
    if let Some(latest_valid) = node.invalid.get(&hash) {
        return Ok(status(
            "INVALID",
            Some(latest_valid),
            Some(format!("block {hash} was found invalid")),
        ));
    }
    if let Some(latest_valid) = node.invalid.get(&parent_hash) {
        node.invalid.insert(hash, latest_valid);
        return Ok(status(
            "INVALID",
            Some(latest_valid),
            Some(format!("parent {parent_hash} was found invalid")),
        ));
    }
    let Some(parent) = read.block(parent_hash).map_err(RpcError::internal)? else {
        tracing::info!(%hash, parent = %parent_hash, "newPayload: unknown parent, SYNCING");
        return Ok(status("SYNCING", None, None));
    };
    // An invalid block is remembered (its descendants are invalid too) and reported with its
    // parent as the latest valid block.
    let mut invalid = |reason: String| {
        node.invalid.insert(hash, parent_hash);
        Ok(status("INVALID", Some(parent_hash), Some(reason)))
    };
    if block.body.withdrawals.as_ref().is_some_and(|w| !w.is_empty()) {
        return invalid("OP Stack payloads carry no L1 withdrawals".into());
    }
    if block.header.timestamp <= parent.header.timestamp {
        return invalid(format!(
            "timestamp {} is not after the parent's {}",
            block.header.timestamp, parent.header.timestamp
        ));
    }
    let (stored, preimages) = if let Some(built) = node.payloads.by_hash(hash) {
        (built.block.clone(), built.preimages.clone())
    } else {
        let attrs = match payload::attributes_for_block(
            &node.config,
            &block.header,
            &block.body.transactions,
        ) {
            Ok(attrs) => attrs,
            Err(e) => return invalid(e.to_string()),
        };
        let started = std::time::Instant::now();
        let built = match build_block(&node.config, &parent.header, &attrs, &[], &read) {
            Ok(built) => {
                node.metrics.executed(Execution::Import, built.header.gas_used, started.elapsed());
                built
            }
            Err(e) if is_state_error(&e) => return Err(RpcError::internal(e)),
            Err(e) => return invalid(e.to_string()),
        };
        if built.hash != hash {
            return invalid(mismatch(&block.header, &built.header));
        }
        let stored = StoredBlock::executed(built.header, built.transactions, &built.receipts);
        (stored, built.preimages)
    };
    drop(read);
    let write = node.store.write().map_err(RpcError::internal)?;
    chain::import(&write, hash, &stored, &preimages).map_err(RpcError::internal)?;
    write.commit().map_err(RpcError::internal)?;
    node.metrics.imported();
    tracing::info!(number = stored.header.number, %hash, "imported payload");
    Ok(status("VALID", Some(hash), None))
}

/// Names the first header field where the payload and the re-executed block differ.
fn mismatch(payload: &alloy_consensus::Header, executed: &alloy_consensus::Header) -> String {
    let fields: [(&str, String, String); 8] = [
        ("stateRoot", payload.state_root.to_string(), executed.state_root.to_string()),
        ("receiptsRoot", payload.receipts_root.to_string(), executed.receipts_root.to_string()),
        ("gasUsed", payload.gas_used.to_string(), executed.gas_used.to_string()),
        (
            "baseFeePerGas",
            format!("{:?}", payload.base_fee_per_gas),
            format!("{:?}", executed.base_fee_per_gas),
        ),
        ("logsBloom", payload.logs_bloom.to_string(), executed.logs_bloom.to_string()),
        ("extraData", payload.extra_data.to_string(), executed.extra_data.to_string()),
        (
            "withdrawalsRoot",
            format!("{:?}", payload.withdrawals_root),
            format!("{:?}", executed.withdrawals_root),
        ),
        (
            "blobGasUsed",
            format!("{:?}", payload.blob_gas_used),
            format!("{:?}", executed.blob_gas_used),
        ),
    ];
    for (name, got, want) in fields {
        if got != want {
            return format!("{name} mismatch: payload has {got}, execution gives {want}");
        }
    }
    format!(
        "block hash mismatch: payload {}, execution gives {}",
        payload.hash_slow(),
        executed.hash_slow()
    )
}
