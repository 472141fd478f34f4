//! The `eth_` namespace a rollup node and simple tools need: chain id, head number, blocks
//! (RPC shapes of alloy-rpc-types-eth with OP transactions), EIP-1186 proofs, balances,
//! nonces, code, storage, raw transaction submission, transactions and receipts.

use alloy_consensus::{Header, Sealed, Transaction as _, transaction::Recovered};
use alloy_eips::{BlockId, BlockNumberOrTag, Decodable2718, eip4895::Withdrawals};
use alloy_primitives::{Address, B256, Bytes, U256, keccak256};
use alloy_rpc_types_eth::{
    BlockTransactions, EIP1186AccountProofResponse, EIP1186StorageProof, TransactionReceipt,
};
use keel_core::executor::{ExecError, account_proof, read_account};
use op_alloy_consensus::{
    OpReceiptEnvelope, OpTxEnvelope,
    transaction::{OpDepositInfo, OpTransactionInfo},
};
use serde_json::{Value, json};

use super::{
    Node, chain,
    rpc::{self, Call, RpcError},
    store::{StoreRead, StoredBlock},
    txpool,
};

/// Most storage keys one `eth_getProof` call may ask for.
const MAX_PROOF_KEYS: usize = 1024;

/// The priority fee suggested to wallets (0.001 gwei; a devnet has no competition for space).
const SUGGESTED_TIP: u64 = 1_000_000;

/// geth's code for a rejected transaction or a missing block in state queries.
const SERVER_ERROR: i64 = -32000;

/// Answers one `eth_` call.
pub(crate) fn dispatch(node: &mut Node, call: Call) -> Result<Value, RpcError> {
    let p = &call.params;
    match call.method.as_str() {
        "eth_chainId" => {
            p.at_most(0)?;
            Ok(json!(format!("{:#x}", node.config.l2_chain_id)))
        }
        "eth_blockNumber" => {
            p.at_most(0)?;
            let read = read(node)?;
            let head = chain::forkchoice(&read).map_err(RpcError::internal)?.head;
            let block = stored(&read, head)?.ok_or_else(|| RpcError::internal("head missing"))?;
            Ok(json!(format!("{:#x}", block.header.number)))
        }
        "eth_gasPrice" | "eth_maxPriorityFeePerGas" => {
            p.at_most(0)?;
            let tip = U256::from(SUGGESTED_TIP);
            if call.method == "eth_maxPriorityFeePerGas" {
                return Ok(json!(tip));
            }
            let read = read(node)?;
            let head = chain::forkchoice(&read).map_err(RpcError::internal)?.head;
            let block = stored(&read, head)?.ok_or_else(|| RpcError::internal("head missing"))?;
            let base_fee = U256::from(block.header.base_fee_per_gas.unwrap_or_default());
            Ok(json!(base_fee.saturating_add(tip)))
        }
        "eth_syncing" => {
            p.at_most(0)?;
            Ok(json!(false))
        }
        "eth_getBlockByNumber" => {
            p.at_most(2)?;
            let id: BlockNumberOrTag = p.required(0, "block")?;
            let full: bool = p.optional(1, "fullTransactions")?.unwrap_or(false);
            let read = read(node)?;
            match chain::resolve(&read, id).map_err(RpcError::internal)? {
                Some(hash) => block_json(&read, hash, full),
                None => Ok(Value::Null),
            }
        }
        "eth_getBlockByHash" => {
            p.at_most(2)?;
            let hash: B256 = p.required(0, "blockHash")?;
            let full: bool = p.optional(1, "fullTransactions")?.unwrap_or(false);
            block_json(&read(node)?, hash, full)
        }
        "eth_getProof" => {
            p.at_most(3)?;
            let address: Address = p.required(0, "address")?;
            let keys: Vec<Value> = p.required(1, "storageKeys")?;
            if keys.len() > MAX_PROOF_KEYS {
                return Err(RpcError::new(
                    rpc::TOO_LARGE_REQUEST,
                    format!("at most {MAX_PROOF_KEYS} storage keys per proof"),
                ));
            }
            let read = read(node)?;
            let header = state_header(&read, p.optional(2, "block")?)?;
            let mut storage_proof = keys
                .into_iter()
                .map(storage_key)
                .collect::<Result<Vec<EIP1186StorageProof>, _>>()?;
            let slots: Vec<B256> = storage_proof.iter().map(|sp| sp.key.as_b256()).collect();
            let proof =
                account_proof(header.state_root, address, &slots, &read).map_err(state_err)?;
            for (out, sp) in storage_proof.iter_mut().zip(proof.storage_proofs) {
                out.value = sp.value;
                out.proof = sp.proof;
            }
            to_json(EIP1186AccountProofResponse {
                address,
                balance: proof.balance,
                code_hash: proof.code_hash,
                nonce: proof.nonce,
                storage_hash: proof.storage_root,
                account_proof: proof.account_proof,
                storage_proof,
            })
        }
        "eth_getBalance" | "eth_getTransactionCount" | "eth_getCode" => {
            p.at_most(2)?;
            let address: Address = p.required(0, "address")?;
            let read = read(node)?;
            let header = state_header(&read, p.optional(1, "block")?)?;
            let account = read_account(header.state_root, address, &read).map_err(state_err)?;
            Ok(match call.method.as_str() {
                "eth_getBalance" => json!(account.map(|a| a.balance).unwrap_or_default()),
                "eth_getTransactionCount" => {
                    json!(format!("{:#x}", account.map(|a| a.nonce).unwrap_or_default()))
                }
                _ => {
                    let code = match account {
                        Some(a) if a.code_hash != alloy_consensus::constants::KECCAK_EMPTY => read
                            .get_preimage(a.code_hash)
                            .map_err(RpcError::internal)?
                            .ok_or_else(|| RpcError::internal("contract code missing"))?,
                        _ => Bytes::new(),
                    };
                    json!(code)
                }
            })
        }
        "eth_getStorageAt" => {
            p.at_most(3)?;
            let address: Address = p.required(0, "address")?;
            let slot = storage_key(p.required(1, "slot")?)?.key.as_b256();
            let read = read(node)?;
            let header = state_header(&read, p.optional(2, "block")?)?;
            let proof =
                account_proof(header.state_root, address, &[slot], &read).map_err(state_err)?;
            let value = proof.storage_proofs.first().map(|s| s.value).unwrap_or_default();
            Ok(json!(B256::from(value)))
        }
        "eth_sendRawTransaction" => {
            p.at_most(1)?;
            let raw: Bytes = p.required(0, "transaction")?;
            let accepted = txpool::check(&raw, node.config.l2_chain_id).map_err(pool_err)?;
            let read = read(node)?;
            let head = chain::forkchoice(&read).map_err(RpcError::internal)?.head;
            let header =
                stored(&read, head)?.ok_or_else(|| RpcError::internal("head missing"))?.header;
            let nonce = read_account(header.state_root, accepted.sender, &read)
                .map_err(state_err)?
                .map(|a| a.nonce)
                .unwrap_or_default();
            node.pool.insert(&accepted, raw, nonce).map_err(pool_err)?;
            tracing::info!(
                hash = %accepted.hash,
                sender = %accepted.sender,
                nonce = accepted.nonce,
                pooled = node.pool.len(),
                "pooled transaction"
            );
            Ok(json!(accepted.hash))
        }
        "eth_getTransactionByHash" => {
            p.at_most(1)?;
            let hash: B256 = p.required(0, "hash")?;
            let read = read(node)?;
            match canonical_tx(&read, hash)? {
                Some((block_hash, block, index)) => {
                    let tx = rpc_transaction(block_hash, &block, index)?;
                    to_json(tx)
                }
                None => Ok(Value::Null),
            }
        }
        "eth_getTransactionReceipt" => {
            p.at_most(1)?;
            let hash: B256 = p.required(0, "hash")?;
            let read = read(node)?;
            match canonical_tx(&read, hash)? {
                Some((block_hash, block, index)) => receipt_json(block_hash, &block, index),
                None => Ok(Value::Null),
            }
        }
        other => Err(RpcError::new(
            rpc::METHOD_NOT_FOUND,
            format!("the method {other} does not exist/is not available"),
        )),
    }
}

/// A storage key as `eth_getProof` takes it (any hex quantity up to 32 bytes), in an
/// empty proof entry.
fn storage_key(value: Value) -> Result<EIP1186StorageProof, RpcError> {
    Ok(EIP1186StorageProof {
        key: serde_json::from_value(value).map_err(RpcError::invalid_params)?,
        value: U256::ZERO,
        proof: Vec::new(),
    })
}

fn read(node: &Node) -> Result<StoreRead, RpcError> {
    node.store.read().map_err(RpcError::internal)
}

fn stored(read: &StoreRead, hash: B256) -> Result<Option<StoredBlock>, RpcError> {
    read.block(hash).map_err(RpcError::internal)
}

fn to_json(value: impl serde::Serialize) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(RpcError::internal)
}

fn state_err(e: ExecError) -> RpcError {
    RpcError::internal(format!("state unavailable: {e}"))
}

fn pool_err(e: txpool::PoolError) -> RpcError {
    match e {
        txpool::PoolError::Decode(_) => RpcError::invalid_params(e),
        other => RpcError::new(SERVER_ERROR, other.to_string()),
    }
}

/// The header whose state a state query reads (default `latest`); -32000 when unknown.
fn state_header(read: &StoreRead, id: Option<BlockId>) -> Result<Header, RpcError> {
    let hash = match id.unwrap_or(BlockId::Number(BlockNumberOrTag::Latest)) {
        BlockId::Hash(h) => Some(h.block_hash),
        BlockId::Number(n) => chain::resolve(read, n).map_err(RpcError::internal)?,
    };
    let block = match hash {
        Some(hash) => stored(read, hash)?,
        None => None,
    };
    block.map(|b| b.header).ok_or_else(|| RpcError::new(SERVER_ERROR, "header not found"))
}

/// A transaction's canonical block and index.
fn canonical_tx(
    read: &StoreRead,
    hash: B256,
) -> Result<Option<(B256, StoredBlock, usize)>, RpcError> {
    let Some((block_hash, index)) = read.tx_location(hash).map_err(RpcError::internal)? else {
        return Ok(None);
    };
    let Some(block) = stored(read, block_hash)? else { return Ok(None) };
    if !chain::is_canonical(read, block_hash, block.header.number).map_err(RpcError::internal)? {
        return Ok(None);
    }
    Ok(usize::try_from(index).ok().map(|index| (block_hash, block, index)))
}

fn receipts(block: &StoredBlock) -> Result<Vec<OpReceiptEnvelope>, RpcError> {
    block
        .receipts
        .iter()
        .map(|r| OpReceiptEnvelope::decode_2718_exact(r))
        .collect::<Result<_, _>>()
        .map_err(|e| RpcError::internal(format!("stored receipt corrupt: {e}")))
}

fn decoded_tx(raw: &[u8]) -> Result<(OpTxEnvelope, Address), RpcError> {
    let tx = OpTxEnvelope::decode_2718_exact(raw)
        .map_err(|e| RpcError::internal(format!("stored transaction corrupt: {e}")))?;
    let sender = match &tx {
        OpTxEnvelope::Deposit(d) => d.from,
        other => alloy_consensus::transaction::SignerRecoverable::recover_signer(other)
            .map_err(|e| RpcError::internal(format!("stored transaction signature: {e}")))?,
    };
    Ok((tx, sender))
}

fn rpc_transaction(
    block_hash: B256,
    block: &StoredBlock,
    index: usize,
) -> Result<op_alloy_rpc_types::Transaction, RpcError> {
    let raw = block.transactions.get(index).ok_or_else(|| RpcError::internal("tx index"))?;
    let receipts = receipts(block)?;
    let (tx, sender) = decoded_tx(raw)?;
    let deposit_meta = match receipts.get(index) {
        Some(OpReceiptEnvelope::Deposit(r)) => OpDepositInfo {
            deposit_nonce: r.receipt.deposit_nonce,
            deposit_receipt_version: r.receipt.deposit_receipt_version,
        },
        _ => OpDepositInfo::default(),
    };
    let info = OpTransactionInfo::new(
        alloy_consensus::transaction::TransactionInfo {
            hash: Some(keccak256(raw)),
            index: u64::try_from(index).ok(),
            block_hash: Some(block_hash),
            block_number: Some(block.header.number),
            base_fee: block.header.base_fee_per_gas,
            block_timestamp: Some(block.header.timestamp),
        },
        deposit_meta,
    );
    Ok(op_alloy_rpc_types::Transaction::from_transaction(
        Recovered::new_unchecked(tx, sender),
        info,
    ))
}

/// The block's RLP size (header, transactions, empty ommers and, from Canyon, empty
/// withdrawals), as `eth_getBlock*` reports it.
fn block_size(block: &StoredBlock) -> usize {
    let list_len = |payload: usize| {
        alloy_rlp::Header { list: true, payload_length: payload }.length() + payload
    };
    let txs: usize = block
        .transactions
        .iter()
        .map(|tx| match tx.first() {
            // Legacy transactions are RLP lists themselves; typed ones are byte strings.
            Some(&b) if b >= 0xc0 => tx.len(),
            _ => alloy_rlp::Header { list: false, payload_length: tx.len() }.length() + tx.len(),
        })
        .sum();
    let mut payload = alloy_rlp::Encodable::length(&block.header) + list_len(txs) + list_len(0);
    if block.header.withdrawals_root.is_some() {
        payload += list_len(0);
    }
    list_len(payload)
}

fn block_json(read: &StoreRead, hash: B256, full: bool) -> Result<Value, RpcError> {
    let Some(block) = stored(read, hash)? else { return Ok(Value::Null) };
    let transactions = if full {
        BlockTransactions::Full(
            (0..block.transactions.len())
                .map(|i| rpc_transaction(hash, &block, i))
                .collect::<Result<Vec<_>, _>>()?,
        )
    } else {
        BlockTransactions::Hashes(block.transactions.iter().map(keccak256).collect())
    };
    let size = U256::from(block_size(&block));
    let withdrawals = block.header.withdrawals_root.is_some().then(Withdrawals::default);
    let header = alloy_rpc_types_eth::Header::from_consensus(
        Sealed::new_unchecked(block.header, hash),
        None,
        Some(size),
    );
    to_json(alloy_rpc_types_eth::Block { header, uncles: Vec::new(), transactions, withdrawals })
}

fn receipt_json(block_hash: B256, block: &StoredBlock, index: usize) -> Result<Value, RpcError> {
    let receipts = receipts(block)?;
    let receipt = receipts.get(index).ok_or_else(|| RpcError::internal("receipt missing"))?;
    let raw = block.transactions.get(index).ok_or_else(|| RpcError::internal("tx index"))?;
    let (tx, sender) = decoded_tx(raw)?;
    let previous = match index.checked_sub(1).and_then(|i| receipts.get(i)) {
        Some(r) => r.cumulative_gas_used(),
        None => 0,
    };
    let gas_used = receipt.cumulative_gas_used().saturating_sub(previous);
    let log_offset: usize = receipts.iter().take(index).map(|r| r.logs().len()).sum();
    let tx_hash = keccak256(raw);
    let number = block.header.number;
    let timestamp = block.header.timestamp;
    let mut log_index = log_offset as u64;
    let inner = receipt.clone().map_logs(|log| {
        let rpc_log = alloy_rpc_types_eth::Log {
            inner: log,
            block_hash: Some(block_hash),
            block_number: Some(number),
            block_timestamp: Some(timestamp),
            transaction_hash: Some(tx_hash),
            transaction_index: u64::try_from(index).ok(),
            log_index: Some(log_index),
            removed: false,
        };
        log_index += 1;
        rpc_log
    });
    let effective_gas_price =
        if tx.is_deposit() { 0 } else { tx.effective_gas_price(block.header.base_fee_per_gas) };
    let nonce = match receipt {
        OpReceiptEnvelope::Deposit(r) => r.receipt.deposit_nonce.unwrap_or_default(),
        _ => tx.nonce(),
    };
    let contract_address = tx.kind().is_create().then(|| sender.create(nonce));
    to_json(TransactionReceipt {
        inner,
        transaction_hash: tx_hash,
        transaction_index: u64::try_from(index).ok(),
        block_hash: Some(block_hash),
        block_number: Some(number),
        gas_used,
        effective_gas_price,
        blob_gas_used: None,
        blob_gas_price: None,
        from: sender,
        to: tx.to(),
        contract_address,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn size_of_an_empty_block_matches_its_rlp() {
        let block =
            StoredBlock { header: Header::default(), transactions: vec![], receipts: vec![] };
        let consensus: alloy_consensus::Block<OpTxEnvelope> =
            alloy_consensus::Block { header: Header::default(), body: Default::default() };
        assert_eq!(block_size(&block), alloy_rlp::encode(&consensus).len());
    }
}
