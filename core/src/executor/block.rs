//! Executing one OP block statelessly: a revm [`Database`] over lazily resolved tries, the
//! OP block rules of alloy-op-evm's [`OpBlockExecutor`] (system calls, deposit nonces and
//! receipt versions, L1 fees), the post-state commit into the tries and the sealed header.

use alloc::{
    collections::BTreeMap,
    format,
    string::{String, ToString},
    vec::Vec,
};
use core::cell::RefCell;

use alloy_consensus::{
    EMPTY_OMMER_ROOT_HASH, Header, TrieAccount,
    proofs::ordered_trie_root_with_encoder,
    transaction::{Recovered, SignerRecoverable},
};
use alloy_eips::{Decodable2718, eip1559::BaseFeeParams, eip7685::EMPTY_REQUESTS_HASH};
use alloy_evm::{
    Evm, EvmFactory,
    block::{BlockExecutionResult, BlockExecutor},
    eth::NextEvmEnvAttributes,
};
use alloy_op_evm::{
    OpBlockExecutionCtx, OpBlockExecutor, OpEvmFactory, block::OpAlloyReceiptBuilder,
    evm_env_for_op_next_block,
};
use alloy_op_hardforks::{ForkCondition, OpChainHardforks, OpHardfork};
use alloy_primitives::{Address, B256, Bloom, Bytes, U256, keccak256};
use alloy_rlp::Decodable;
use alloy_trie::{EMPTY_ROOT_HASH, KECCAK_EMPTY};
use op_alloy_consensus::{OpReceiptEnvelope, OpTxEnvelope};
use op_alloy_rpc_types_engine::OpPayloadAttributes;
use revm::{
    Database,
    bytecode::Bytecode,
    database::{State, states::bundle_state::BundleRetention},
    state::AccountInfo,
};

use super::{ExecError, LazyTrie, PreimageSource, build::RejectedTx};
use crate::config::RollupConfig;

/// L2ToL1MessagePasser, whose storage root is the Isthmus `withdrawalsRoot`.
pub const MESSAGE_PASSER: Address =
    alloy_primitives::address!("0x4200000000000000000000000000000000000016");

impl revm::database_interface::DBErrorMarker for ExecError {}

/// revm's view of the parent state: accounts and slots read from lazily resolved tries.
struct TrieDb<'a, S> {
    src: &'a S,
    accounts: LazyTrie,
    /// Storage tries opened so far, with the storage root each account had in the parent.
    storage: BTreeMap<Address, LazyTrie>,
    parent_number: u64,
    /// Hashes of the parent and its ancestors found so far: entry `i` is the hash of block
    /// `parent_number - i` (the parent's own `parentHash` is known without a lookup).
    ancestors: Vec<B256>,
    /// The first database error, kept typed: revm wraps it into its own error types.
    failure: &'a RefCell<Option<ExecError>>,
}

impl<S> core::fmt::Debug for TrieDb<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TrieDb").field("parent_number", &self.parent_number).finish_non_exhaustive()
    }
}

impl<S: PreimageSource> TrieDb<'_, S> {
    fn fail<T>(&self, err: ExecError) -> Result<T, ExecError> {
        self.failure.borrow_mut().get_or_insert(err.clone());
        Err(err)
    }

    fn account(&mut self, address: Address) -> Result<Option<TrieAccount>, ExecError> {
        let rlp = match self.accounts.get(keccak256(address).as_slice(), self.src) {
            Ok(rlp) => rlp,
            Err(e) => return self.fail(e),
        };
        let Some(rlp) = rlp else { return Ok(None) };
        match TrieAccount::decode(&mut rlp.as_slice()) {
            Ok(account) => Ok(Some(account)),
            Err(_) => self.fail(ExecError::InvalidAccount(address)),
        }
    }

    fn storage_trie(&mut self, address: Address) -> Result<&mut LazyTrie, ExecError> {
        if !self.storage.contains_key(&address) {
            let root = self.account(address)?.map_or(EMPTY_ROOT_HASH, |a| a.storage_root);
            self.storage.insert(address, LazyTrie::new(root));
        }
        match self.storage.get_mut(&address) {
            Some(trie) => Ok(trie),
            None => Err(ExecError::InvalidAccount(address)),
        }
    }
}

impl<S: PreimageSource> Database for TrieDb<'_, S> {
    type Error = ExecError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, ExecError> {
        Ok(self.account(address)?.map(|a| AccountInfo {
            balance: a.balance,
            nonce: a.nonce,
            code_hash: a.code_hash,
            account_id: None,
            code: None,
        }))
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, ExecError> {
        if code_hash == KECCAK_EMPTY {
            return Ok(Bytecode::default());
        }
        match self.src.preimage(code_hash) {
            Ok(code) => Ok(Bytecode::new_raw(code)),
            Err(e) => self.fail(e),
        }
    }

    fn storage(&mut self, address: Address, index: U256) -> Result<U256, ExecError> {
        let src = self.src;
        let trie = self.storage_trie(address)?;
        let value = match trie.get(keccak256(B256::from(index)).as_slice(), src) {
            Ok(value) => value,
            Err(e) => return self.fail(e),
        };
        let Some(rlp) = value else { return Ok(U256::ZERO) };
        match U256::decode(&mut rlp.as_slice()) {
            Ok(value) => Ok(value),
            Err(_) => self.fail(ExecError::InvalidStorage { address, slot: index }),
        }
    }

    /// BLOCKHASH: the parent's hash, or an older one (revm asks only for the 256 most recent)
    /// found by walking header preimages back from the parent, each keyed by its hash.
    fn block_hash(&mut self, number: u64) -> Result<B256, ExecError> {
        let depth = match self.parent_number.checked_sub(number) {
            // At most 256, so the cast is exact.
            Some(depth) if depth <= BLOCK_HASH_HISTORY => depth as usize,
            _ => return self.fail(ExecError::MissingBlockHash(number)),
        };
        while self.ancestors.len() <= depth {
            let (Some(&hash), Some(known)) =
                (self.ancestors.last(), u64::try_from(self.ancestors.len()).ok())
            else {
                return self.fail(ExecError::MissingBlockHash(number));
            };
            // `hash` names block `parent_number - (len - 1)`; its header names the one before.
            let expected = self.parent_number.saturating_sub(known.saturating_sub(1));
            let parent_hash = match self.src.preimage(hash) {
                Ok(rlp) => match decode_header(&rlp, hash, expected) {
                    Ok(header) => header.parent_hash,
                    Err(e) => return self.fail(e),
                },
                Err(ExecError::MissingPreimage(_)) => {
                    return self.fail(ExecError::MissingBlockHash(number));
                }
                Err(e) => return self.fail(e),
            };
            self.ancestors.push(parent_hash);
        }
        match self.ancestors.get(depth) {
            Some(hash) => Ok(*hash),
            None => self.fail(ExecError::MissingBlockHash(number)),
        }
    }
}

/// How far back BLOCKHASH reaches.
const BLOCK_HASH_HISTORY: u64 = 256;

/// Decodes the header preimage of `hash`, which must be block `number`.
fn decode_header(rlp: &[u8], hash: B256, number: u64) -> Result<Header, ExecError> {
    let invalid = |reason| ExecError::InvalidBlockHeader { hash, reason };
    if keccak256(rlp) != hash {
        return Err(invalid("preimage does not hash to it"));
    }
    let mut buf = rlp;
    let header = Header::decode(&mut buf).map_err(|_| invalid("not an RLP header"))?;
    if !buf.is_empty() {
        return Err(invalid("trailing bytes after the header"));
    }
    if header.number != number {
        return Err(invalid("header has another block number"));
    }
    Ok(header)
}

/// A block re-executed on its parent state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecutedBlock {
    /// The sealed header.
    pub header: Header,
    /// keccak256 of the RLP header.
    pub hash: B256,
    /// One receipt per transaction.
    pub receipts: Vec<OpReceiptEnvelope>,
    /// The post-state account trie (resolved where execution read or wrote it).
    pub state: LazyTrie,
}

impl ExecutedBlock {
    /// The L2ToL1MessagePasser's storage root in the post-state. From Isthmus this is the
    /// header's `withdrawalsRoot`; before, it is read from the account trie, which may need
    /// nodes the block itself never touched.
    pub fn message_passer_storage_root(
        &mut self,
        src: &impl PreimageSource,
    ) -> Result<B256, ExecError> {
        let Some(rlp) = self.state.get(keccak256(MESSAGE_PASSER).as_slice(), src)? else {
            return Ok(EMPTY_ROOT_HASH);
        };
        let account = TrieAccount::decode(&mut rlp.as_slice())
            .map_err(|_| ExecError::InvalidAccount(MESSAGE_PASSER))?;
        Ok(account.storage_root)
    }

    /// The version-0 output root:
    /// `keccak256(0x00…00 ++ stateRoot ++ messagePasserStorageRoot ++ blockHash)`.
    pub fn output_root(&mut self, src: &impl PreimageSource) -> Result<B256, ExecError> {
        let message_passer = self.message_passer_storage_root(src)?;
        Ok(output_root_v0(self.header.state_root, message_passer, self.hash))
    }
}

/// The receipts trie root: receipts keyed by RLP index, EIP-2718 encoded (deposit receipts as
/// `0x7e ++ rlp([status, cumulativeGas, bloom, logs, depositNonce?, depositReceiptVersion?])`).
pub fn receipts_root(receipts: &[OpReceiptEnvelope]) -> B256 {
    ordered_trie_root_with_encoder(receipts, |r, buf: &mut Vec<u8>| {
        alloy_eips::Encodable2718::encode_2718(r, buf)
    })
}

/// The version-0 output root of an L2 block.
pub fn output_root_v0(
    state_root: B256,
    message_passer_storage_root: B256,
    block_hash: B256,
) -> B256 {
    let mut preimage = [0u8; 128];
    for (chunk, word) in preimage.chunks_exact_mut(32).zip([
        B256::ZERO,
        state_root,
        message_passer_storage_root,
        block_hash,
    ]) {
        chunk.copy_from_slice(word.as_slice());
    }
    keccak256(preimage)
}

/// The fork schedule of `config` in alloy-op-hardforks' form (every fork listed, absent ones
/// never active, so its index-based lookups stay aligned).
fn hardforks(config: &RollupConfig) -> OpChainHardforks {
    let at = |time: Option<u64>| time.map_or(ForkCondition::Never, ForkCondition::Timestamp);
    OpChainHardforks::new([
        (OpHardfork::Bedrock, ForkCondition::Block(config.genesis.l2.number)),
        (OpHardfork::Regolith, at(config.regolith_time)),
        (OpHardfork::Canyon, at(config.canyon_time)),
        (OpHardfork::Ecotone, at(config.ecotone_time)),
        (OpHardfork::Fjord, at(config.fjord_time)),
        (OpHardfork::Granite, at(config.granite_time)),
        (OpHardfork::Holocene, at(config.holocene_time)),
        (OpHardfork::Isthmus, at(config.isthmus_time)),
        (OpHardfork::Jovian, at(config.jovian_time)),
        (OpHardfork::Karst, at(config.karst_time)),
        (OpHardfork::Interop, at(config.interop_time)),
    ])
}

pub(crate) fn active(time: Option<u64>, timestamp: u64) -> bool {
    time.is_some_and(|t| timestamp >= t)
}

pub(crate) fn canyon_params(config: &RollupConfig) -> BaseFeeParams {
    let op = &config.chain_op_config;
    BaseFeeParams::new(u128::from(op.eip1559_denominator_canyon), u128::from(op.eip1559_elasticity))
}

/// The block's base fee: EIP-1559 on the parent with the parent's Holocene/Jovian `extraData`
/// parameters (Canyon constants before Holocene), from Jovian on the parent's DA footprint
/// (`blobGasUsed`) counting when it exceeds its gas used, clamped to the parent's `minBaseFee`.
fn next_base_fee(config: &RollupConfig, parent: &Header) -> Result<u64, ExecError> {
    let jovian = active(config.jovian_time, parent.timestamp);
    let (params, min_base_fee) = if jovian {
        let (elasticity, denominator, min) =
            op_alloy_consensus::decode_jovian_extra_data(&parent.extra_data)
                .map_err(|_| ExecError::InvalidParentExtraData)?;
        ((elasticity, denominator), min)
    } else if active(config.holocene_time, parent.timestamp) {
        let params = op_alloy_consensus::decode_holocene_extra_data(&parent.extra_data)
            .map_err(|_| ExecError::InvalidParentExtraData)?;
        (params, 0)
    } else {
        ((0, 0), 0)
    };
    let params = match params {
        (_, 0) => canyon_params(config),
        (elasticity, denominator) => {
            BaseFeeParams::new(u128::from(denominator), u128::from(elasticity))
        }
    };
    let gas_used = if jovian {
        parent.gas_used.max(parent.blob_gas_used.unwrap_or_default())
    } else {
        parent.gas_used
    };
    let parent_base_fee = parent.base_fee_per_gas.ok_or(ExecError::InvalidParentExtraData)?;
    let base_fee = params.next_block_base_fee(gas_used, parent.gas_limit, parent_base_fee);
    Ok(base_fee.max(min_base_fee))
}

/// The new block's `extraData`: empty before Holocene, then version 0 with the attributes'
/// EIP-1559 params (zero stands for the Canyon constants), from Jovian version 1 adding
/// `minBaseFee`.
fn extra_data(
    config: &RollupConfig,
    attrs: &OpPayloadAttributes,
    timestamp: u64,
) -> Result<Bytes, ExecError> {
    if !active(config.holocene_time, timestamp) {
        return Ok(Bytes::new());
    }
    let params = attrs.eip_1559_params.ok_or(ExecError::MissingEip1559Params)?;
    let encoded = if active(config.jovian_time, timestamp) {
        let min_base_fee = attrs.min_base_fee.ok_or(ExecError::MissingMinBaseFee)?;
        op_alloy_consensus::encode_jovian_extra_data(params, canyon_params(config), min_base_fee)
    } else {
        op_alloy_consensus::encode_holocene_extra_data(params, canyon_params(config))
    };
    encoded.map_err(|_| ExecError::MissingEip1559Params)
}

/// Like [`execute_block`], but from Holocene a payload that is invalid (a transaction that
/// does not decode, recover or execute) is replaced by its deposits only, as the Holocene
/// derivation rules replace an invalid payload. The error is returned beside the block when
/// that happened. State-source errors (a missing or malformed preimage) never fall back.
pub fn execute_block_or_deposits_only(
    config: &RollupConfig,
    parent: &Header,
    attrs: &OpPayloadAttributes,
    src: &impl PreimageSource,
) -> Result<(ExecutedBlock, Option<ExecError>), ExecError> {
    match execute_block(config, parent, attrs, src) {
        Ok(block) => Ok((block, None)),
        Err(err @ (ExecError::InvalidTransaction { .. } | ExecError::Execution(_)))
            if active(config.holocene_time, attrs.payload_attributes.timestamp) =>
        {
            let mut deposits_only = attrs.clone();
            deposits_only.transactions = attrs.transactions.as_ref().map(|txs| {
                txs.iter()
                    .filter(|tx| tx.first() == Some(&op_alloy_consensus::DEPOSIT_TX_TYPE_ID))
                    .cloned()
                    .collect()
            });
            Ok((execute_block(config, parent, &deposits_only, src)?, Some(err)))
        }
        Err(err) => Err(err),
    }
}

/// Executes the block `attrs` describes on top of `parent`, reading state from `src`.
pub fn execute_block(
    config: &RollupConfig,
    parent: &Header,
    attrs: &OpPayloadAttributes,
    src: &impl PreimageSource,
) -> Result<ExecutedBlock, ExecError> {
    let run = run(config, parent, attrs, &[], src)?;
    Ok(ExecutedBlock {
        header: run.header,
        hash: run.hash,
        receipts: run.receipts,
        state: run.accounts,
    })
}

/// What [`run`] produced: the sealed block and the post-state it leaves behind.
pub(crate) struct Run {
    pub(crate) header: Header,
    pub(crate) hash: B256,
    /// The transactions included, in order (EIP-2718 bytes).
    pub(crate) transactions: Vec<Bytes>,
    pub(crate) receipts: Vec<OpReceiptEnvelope>,
    /// Pool transactions left out.
    pub(crate) rejected: Vec<RejectedTx>,
    /// The post-state account trie.
    pub(crate) accounts: LazyTrie,
    /// The post-state storage tries of the accounts the block changed.
    pub(crate) storage: Vec<LazyTrie>,
    /// Code of the contracts the block created, keyed by code hash.
    pub(crate) contracts: Vec<(B256, Bytes)>,
    /// The message passer's post-state storage root, if the block changed it or the header
    /// carries it (Isthmus `withdrawalsRoot`).
    pub(crate) message_passer_root: Option<B256>,
}

/// Decodes and recovers a transaction, the reason as text on failure.
fn recover(raw: &Bytes) -> Result<Recovered<OpTxEnvelope>, String> {
    let tx = OpTxEnvelope::decode_2718(&mut raw.as_ref())
        .map_err(|e| format!("does not decode: {e}"))?;
    SignerRecoverable::try_into_recovered(tx)
        .map_err(|e| format!("signature does not recover: {e}"))
}

/// Why a pool transaction may not even be tried, if so.
fn pool_precheck(config: &RollupConfig, raw: &Bytes) -> Result<Recovered<OpTxEnvelope>, String> {
    if raw.first() == Some(&op_alloy_consensus::DEPOSIT_TX_TYPE_ID) {
        return Err("deposit transactions come only from the payload attributes".to_string());
    }
    let tx = recover(raw)?;
    match alloy_consensus::Transaction::chain_id(tx.inner()) {
        Some(id) if id != config.l2_chain_id => {
            Err(format!("chain id {id} is not the chain's {}", config.l2_chain_id))
        }
        _ => Ok(tx),
    }
}

/// Executes the attributes' transactions (each must be valid) and then, unless the attributes
/// say `noTxPool`, each of `pool` that is valid at that point (the others are rejected with
/// the state untouched); commits the post-state and seals the header. The single execution
/// path of [`execute_block`] and [`super::build_block`].
pub(crate) fn run(
    config: &RollupConfig,
    parent: &Header,
    attrs: &OpPayloadAttributes,
    pool: &[Bytes],
    src: &impl PreimageSource,
) -> Result<Run, ExecError> {
    let timestamp = attrs.payload_attributes.timestamp;
    let gas_limit = attrs.gas_limit.ok_or(ExecError::MissingGasLimit)?;
    let parent_hash = parent.hash_slow();
    let base_fee = next_base_fee(config, parent)?;
    let extra_data = extra_data(config, attrs, timestamp)?;

    let forced = attrs.transactions.as_deref().unwrap_or_default();
    let mut txs = Vec::with_capacity(forced.len());
    for (index, raw) in forced.iter().enumerate() {
        txs.push(recover(raw).map_err(|reason| ExecError::InvalidTransaction { index, reason })?);
    }
    let pool = if attrs.no_tx_pool == Some(true) { &[][..] } else { pool };

    let spec = hardforks(config);
    let env = evm_env_for_op_next_block(
        parent,
        NextEvmEnvAttributes {
            timestamp,
            suggested_fee_recipient: attrs.payload_attributes.suggested_fee_recipient,
            prev_randao: attrs.payload_attributes.prev_randao,
            gas_limit,
            slot_number: None,
        },
        base_fee,
        &spec,
        config.l2_chain_id,
    );
    let failure = RefCell::new(None);
    let db = TrieDb {
        src,
        accounts: LazyTrie::new(parent.state_root),
        storage: BTreeMap::new(),
        parent_number: parent.number,
        ancestors: if parent.number == 0 {
            Vec::from([parent_hash])
        } else {
            Vec::from([parent_hash, parent.parent_hash])
        },
        failure: &failure,
    };
    let state = State::builder().with_database(db).with_bundle_update().build();
    let evm = OpEvmFactory::<alloy_op_evm::OpTx>::default().create_evm(state, env);
    let ctx = OpBlockExecutionCtx {
        parent_hash,
        parent_beacon_block_root: attrs.payload_attributes.parent_beacon_block_root,
        extra_data: extra_data.clone(),
    };
    let mut executor = OpBlockExecutor::new(evm, ctx, spec, OpAlloyReceiptBuilder::default());
    let typed = |e: alloy_evm::block::BlockExecutionError| {
        failure.borrow_mut().take().unwrap_or(ExecError::Execution(format!("{e}")))
    };
    executor.apply_pre_execution_changes().map_err(typed)?;
    for tx in &txs {
        executor.execute_transaction(tx.as_recovered_ref()).map_err(typed)?;
    }
    let mut transactions = forced.to_vec();
    let mut rejected = Vec::new();
    for raw in pool {
        let outcome = pool_precheck(config, raw).and_then(|tx| {
            executor.execute_transaction(tx.as_recovered_ref()).map_err(|e| format!("{e}"))
        });
        match outcome {
            Ok(_) => transactions.push(raw.clone()),
            Err(reason) => {
                // A state-source failure is no fault of the transaction: abort, typed.
                if let Some(err) = failure.borrow_mut().take() {
                    return Err(err);
                }
                rejected.push(RejectedTx { hash: keccak256(raw), reason });
            }
        }
    }
    let (evm, BlockExecutionResult { receipts, gas_used, blob_gas_used, .. }) =
        executor.finish().map_err(typed)?;
    let mut state = evm.into_db();
    state.merge_transitions(BundleRetention::PlainState);
    let bundle = state.take_bundle();
    let mut db = state.database;

    // Commit: storage tries first (their roots go into the accounts), inserts before deletes
    // so a branch collapses (and resolves a sibling) only where the final trie needs it.
    let mut changed: Vec<_> = bundle.state.iter().collect();
    changed.sort_by_key(|(address, _)| **address);
    let mut updates = Vec::new();
    let mut removals = Vec::new();
    let mut storage = Vec::new();
    for (address, account) in changed {
        let Some(info) = &account.info else {
            removals.push(*address);
            continue;
        };
        let mut trie = if account.was_destroyed() {
            LazyTrie::empty()
        } else {
            match db.storage.remove(address) {
                Some(trie) => trie,
                None => {
                    LazyTrie::new(db.account(*address)?.map_or(EMPTY_ROOT_HASH, |a| a.storage_root))
                }
            }
        };
        let mut slots: Vec<_> = account.storage.iter().filter(|(_, s)| s.is_changed()).collect();
        slots.sort_by_key(|(slot, _)| **slot);
        for (slot, value) in slots.iter().filter(|(_, s)| !s.present_value.is_zero()) {
            let key = keccak256(B256::from(**slot));
            trie.insert(key.as_slice(), alloy_rlp::encode(value.present_value), src)?;
        }
        for (slot, _) in slots.iter().filter(|(_, s)| s.present_value.is_zero()) {
            trie.remove(keccak256(B256::from(**slot)).as_slice(), src)?;
        }
        let account = TrieAccount {
            nonce: info.nonce,
            balance: info.balance,
            storage_root: trie.root(),
            code_hash: info.code_hash,
        };
        updates.push((*address, account));
        storage.push(trie);
    }
    let mut message_passer_root = None;
    for (address, account) in &updates {
        if *address == MESSAGE_PASSER {
            message_passer_root = Some(account.storage_root);
        }
        db.accounts.insert(keccak256(address).as_slice(), alloy_rlp::encode(account), src)?;
    }
    for address in removals {
        db.accounts.remove(keccak256(address).as_slice(), src)?;
    }
    let state_root = db.accounts.root();

    let transactions_root =
        ordered_trie_root_with_encoder(&transactions, |tx: &Bytes, buf: &mut Vec<u8>| {
            buf.extend_from_slice(tx)
        });
    let receipts_root = receipts_root(&receipts);
    let logs_bloom = receipts.iter().fold(Bloom::ZERO, |bloom, r| bloom | r.logs_bloom());
    let isthmus = active(config.isthmus_time, timestamp);
    let withdrawals_root = if isthmus {
        let root = match message_passer_root {
            Some(root) => root,
            None => db.account(MESSAGE_PASSER)?.map_or(EMPTY_ROOT_HASH, |a| a.storage_root),
        };
        message_passer_root = Some(root);
        Some(root)
    } else if active(config.canyon_time, timestamp) {
        Some(EMPTY_ROOT_HASH)
    } else {
        None
    };
    let ecotone = active(config.ecotone_time, timestamp);
    let header = Header {
        parent_hash,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: attrs.payload_attributes.suggested_fee_recipient,
        state_root,
        transactions_root,
        receipts_root,
        logs_bloom,
        difficulty: U256::ZERO,
        number: parent.number + 1,
        gas_limit,
        gas_used,
        timestamp,
        extra_data,
        mix_hash: attrs.payload_attributes.prev_randao,
        nonce: Default::default(),
        base_fee_per_gas: Some(base_fee),
        withdrawals_root,
        // From Jovian `blobGasUsed` carries the block's DA footprint.
        blob_gas_used: if active(config.jovian_time, timestamp) {
            Some(blob_gas_used)
        } else {
            ecotone.then_some(0)
        },
        excess_blob_gas: ecotone.then_some(0),
        parent_beacon_block_root: attrs.payload_attributes.parent_beacon_block_root,
        requests_hash: isthmus.then_some(EMPTY_REQUESTS_HASH),
        block_access_list_hash: None,
        slot_number: None,
    };
    let hash = header.hash_slow();
    let contracts = bundle
        .contracts
        .values()
        .map(|code| code.original_bytes())
        .filter(|code| !code.is_empty())
        .map(|code| (keccak256(&code), code))
        .collect();
    Ok(Run {
        header,
        hash,
        transactions,
        receipts,
        rejected,
        accounts: db.accounts,
        storage,
        contracts,
        message_passer_root,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::executor::WitnessStore;

    /// Headers of blocks `first..=last`, each naming the previous one as its parent.
    fn chain(first: u64, last: u64) -> Vec<Header> {
        let mut out: Vec<Header> = Vec::new();
        for number in first..=last {
            let parent_hash = out.last().map_or(B256::repeat_byte(0xee), Header::hash_slow);
            out.push(Header { number, parent_hash, ..Default::default() });
        }
        out
    }

    fn db<'a>(
        src: &'a WitnessStore,
        parent: &Header,
        failure: &'a RefCell<Option<ExecError>>,
    ) -> TrieDb<'a, WitnessStore> {
        TrieDb {
            src,
            accounts: LazyTrie::new(parent.state_root),
            storage: BTreeMap::new(),
            parent_number: parent.number,
            ancestors: Vec::from([parent.hash_slow(), parent.parent_hash]),
            failure,
        }
    }

    #[test]
    fn block_hash_walks_header_preimages() {
        let headers = chain(1000, 1300);
        let parent = headers.last().unwrap();
        let mut store = WitnessStore::new();
        for header in &headers[..headers.len() - 1] {
            store.insert(Bytes::from(alloy_rlp::encode(header)));
        }
        let failure = RefCell::new(None);
        let mut db = db(&store, parent, &failure);
        assert_eq!(db.block_hash(1300).unwrap(), parent.hash_slow());
        assert_eq!(db.block_hash(1299).unwrap(), parent.parent_hash);
        // Out of order: deep first, then shallower from the cache.
        assert_eq!(db.block_hash(1044).unwrap(), headers[44].hash_slow());
        assert_eq!(db.block_hash(1200).unwrap(), headers[200].hash_slow());
        assert_eq!(db.ancestors.len(), 257);
        // 256 back is the oldest BLOCKHASH can see; older or future blocks have no hash.
        assert_eq!(db.block_hash(1300 - 257), Err(ExecError::MissingBlockHash(1043)));
        assert_eq!(db.block_hash(1301), Err(ExecError::MissingBlockHash(1301)));
        assert_eq!(failure.borrow().clone(), Some(ExecError::MissingBlockHash(1043)));

        // Only the parent's own header is known without preimages.
        let empty = WitnessStore::new();
        let failure = RefCell::new(None);
        let mut db = self::db(&empty, parent, &failure);
        assert_eq!(db.block_hash(1299).unwrap(), parent.parent_hash);
        assert_eq!(db.block_hash(1298), Err(ExecError::MissingBlockHash(1298)));
    }

    #[test]
    fn block_hash_walk_rejects_a_gap_or_a_wrong_header() {
        let headers = chain(10, 20);
        let parent = headers.last().unwrap();
        let mut store = WitnessStore::new();
        for header in headers.iter().filter(|h| h.number != 15 && h.number != 20) {
            store.insert(Bytes::from(alloy_rlp::encode(header)));
        }
        let failure = RefCell::new(None);
        let mut db = db(&store, parent, &failure);
        assert_eq!(db.block_hash(16).unwrap(), headers[6].hash_slow());
        // Block 15's header is missing, so block 14's hash cannot be learned.
        assert_eq!(db.block_hash(14), Err(ExecError::MissingBlockHash(14)));

        // A preimage under a block hash that is not a header, or is another block's header.
        let mut store = WitnessStore::new();
        let junk = store.insert(Bytes::from_static(b"not a header"));
        let fake_parent = Header { number: 5, parent_hash: junk, ..Default::default() };
        let failure = RefCell::new(None);
        let err = self::db(&store, &fake_parent, &failure).block_hash(3).unwrap_err();
        assert_eq!(err, ExecError::InvalidBlockHeader { hash: junk, reason: "not an RLP header" });
        let wrong = headers[0].clone();
        let wrong_hash = store.insert(Bytes::from(alloy_rlp::encode(&wrong)));
        let fake_parent = Header { number: 5, parent_hash: wrong_hash, ..Default::default() };
        let err = self::db(&store, &fake_parent, &failure).block_hash(3).unwrap_err();
        assert_eq!(
            err,
            ExecError::InvalidBlockHeader {
                hash: wrong_hash,
                reason: "header has another block number"
            }
        );
    }
}
