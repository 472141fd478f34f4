//! Test chains as recorded-L1 fixtures ([`TestL1::to_fixture`]), and the multi-fork chain
//! ([`multi_fork_chain`]) committed under `fixtures/multi-fork/`.
//!
//! The multi-fork chain starts pre-Canyon (Bedrock + Regolith) and activates Canyon, Delta,
//! Ecotone, Fjord, Granite, Holocene, Isthmus and Jovian one after the other, with the batcher
//! posting batches that are valid under the rules of their time: singular batches before
//! Delta, span batches from Delta; calldata before Ecotone, calldata and blobs after; zlib
//! before Fjord, brotli and zlib after; channels spread over several frames and L1 blocks; user
//! deposits; and SystemConfig updates (batcher, gas limit, EIP-1559 params, min base fee).

use std::collections::BTreeMap;

use alloy_consensus::{Transaction, TxEip7702, TxEnvelope, crypto::secp256k1::sign_message};
use alloy_eips::{eip2718::Encodable2718, eip7702::Authorization};
use alloy_primitives::{Address, B256, Bytes, TxKind, U256};
use keel_core::{
    batch::Batch,
    config::{Eip1559Params, Fork, RollupConfig},
    deposit::TxDeposit,
    fixture::{FixtureBlob, FixtureBlock, L1Fixture, encode_items},
    system_config_update::ConfigUpdate,
};

use super::{
    batcher::{Compression, L2Block, TestChannel, TestL2, channel_id, payload, span_batch},
    config::{activate_at, set_fork, test_rollup_config},
    keys::{TestKey, batcher_key, other_batcher_key},
    l1::{CalldataTxType, L1_BLOCK_TIME, TestL1},
};

impl TestL1 {
    /// The canonical chain as a `keel record` fixture: every canonical block from the first
    /// (headers, EIP-2718 transactions and receipts) and the blobs those blocks' transactions
    /// reference, in order of first reference. Orphaned blocks and unreferenced blobs are left
    /// out.
    pub fn to_fixture(&self) -> L1Fixture {
        let mut fixture = L1Fixture::new(self.chain_id());
        let mut seen = std::collections::HashSet::new();
        for number in self.genesis().number..=self.head().number {
            let block = self.block(number).expect("canonical blocks are contiguous");
            fixture.blocks.push(FixtureBlock {
                header: block.header.clone(),
                transactions: encode_items(&block.transactions),
                receipts: encode_items(&block.receipts),
            });
            let hashes = block.transactions.iter().filter_map(|tx| tx.blob_versioned_hashes());
            for &hash in hashes.flatten() {
                if seen.insert(hash) {
                    let blob = self.blob(hash).expect("a referenced blob is stored");
                    let data = Bytes::copy_from_slice(blob.as_slice());
                    fixture.blobs.push(FixtureBlob { versioned_hash: hash, data });
                }
            }
        }
        fixture
    }
}

/// Number of the multi-fork chain's first L1 block (the rollup's L1 genesis).
pub const MULTI_FORK_L1_GENESIS: u64 = 1_000;
/// Timestamp of that block and of the L2 genesis.
pub const MULTI_FORK_GENESIS_TIME: u64 = 1_700_000_000;
/// Fork activations of the multi-fork chain, in seconds after genesis (Regolith is active at
/// genesis; Karst and Interop never). Canyon, Ecotone and Isthmus activate mid-epoch (their
/// activation blocks have sequence number 1), the others on an epoch's first block.
pub const MULTI_FORK_SCHEDULE: [(Fork, u64); 8] = [
    (Fork::Canyon, 62),
    (Fork::Delta, 120),
    (Fork::Ecotone, 182),
    (Fork::Fjord, 240),
    (Fork::Granite, 300),
    (Fork::Holocene, 360),
    (Fork::Isthmus, 422),
    (Fork::Jovian, 480),
];
/// L1 epochs with L2 blocks (6 L2 blocks each, 5 in epoch 0 after the genesis block).
pub const MULTI_FORK_EPOCHS: u64 = 45;
/// L1 blocks after genesis (the last ones post the final batches, then two empty blocks).
pub const MULTI_FORK_L1_BLOCKS: u64 = 47;
/// L1 blocks carrying a user deposit.
pub const MULTI_FORK_DEPOSIT_BLOCKS: [u64; 4] = [1_003, 1_017, 1_033, 1_040];
/// L1 block changing the batcher to [`other_batcher_key`] (later batches are signed with it).
pub const MULTI_FORK_BATCHER_CHANGE_BLOCK: u64 = 1_022;
/// L1 block updating the gas limit to [`MULTI_FORK_NEW_GAS_LIMIT`].
pub const MULTI_FORK_GAS_LIMIT_BLOCK: u64 = 1_027;
/// The gas limit set at [`MULTI_FORK_GAS_LIMIT_BLOCK`].
pub const MULTI_FORK_NEW_GAS_LIMIT: u64 = 45_000_000;
/// L1 block setting the EIP-1559 params to [`MULTI_FORK_EIP1559_PARAMS`] (after Holocene).
pub const MULTI_FORK_EIP1559_BLOCK: u64 = 1_032;
/// The EIP-1559 params set at [`MULTI_FORK_EIP1559_BLOCK`].
pub const MULTI_FORK_EIP1559_PARAMS: Eip1559Params =
    Eip1559Params { denominator: 250, elasticity: 6 };
/// L1 block setting the min base fee to [`MULTI_FORK_MIN_BASE_FEE`] (after Jovian).
pub const MULTI_FORK_MIN_BASE_FEE_BLOCK: u64 = 1_042;
/// The min base fee set at [`MULTI_FORK_MIN_BASE_FEE_BLOCK`].
pub const MULTI_FORK_MIN_BASE_FEE: u64 = 1_000_000;

/// L1 block setting the operator fee params to [`MULTI_FORK_OPERATOR_FEE`] (after Isthmus).
pub const MULTI_FORK_OPERATOR_FEE_BLOCK: u64 = 1_037;
/// The operator fee `(scalar, constant)` set at [`MULTI_FORK_OPERATOR_FEE_BLOCK`].
pub const MULTI_FORK_OPERATOR_FEE: (u32, u64) = (7, 11);
/// L1 block setting the DA footprint gas scalar to [`MULTI_FORK_DA_FOOTPRINT_SCALAR`] (after
/// Jovian).
pub const MULTI_FORK_DA_FOOTPRINT_BLOCK: u64 = 1_044;
/// The DA footprint gas scalar set at [`MULTI_FORK_DA_FOOTPRINT_BLOCK`].
pub const MULTI_FORK_DA_FOOTPRINT_SCALAR: u16 = 12;

/// The EIP-7702 (SetCode) transaction the Isthmus activation block carries after its
/// transfers: valid in batches from Isthmus on.
pub fn multi_fork_set_code_tx(cfg: &RollupConfig) -> Bytes {
    let key = TestKey::from_label("keel-test l2 delegator");
    let auth = Authorization {
        chain_id: U256::from(cfg.l2_chain_id),
        address: Address::with_last_byte(0x77),
        nonce: 1,
    };
    let signature = sign_message(key.secret, auth.signature_hash()).expect("test key signs");
    let tx = TxEip7702 {
        chain_id: cfg.l2_chain_id,
        nonce: 0,
        gas_limit: 100_000,
        max_fee_per_gas: 1_000_000_000,
        max_priority_fee_per_gas: 1_000,
        to: key.address,
        value: U256::ZERO,
        access_list: Default::default(),
        authorization_list: vec![auth.into_signed(signature)],
        input: Bytes::new(),
    };
    TxEnvelope::from(key.sign(tx)).encoded_2718().into()
}

/// The user deposit made in L1 block `l1_number`.
pub fn multi_fork_deposit(l1_number: u64) -> TxDeposit {
    TxDeposit {
        source_hash: B256::ZERO,
        from: Address::with_last_byte(0xd0),
        to: TxKind::Call(Address::with_last_byte(0xd1)),
        mint: u128::from(l1_number),
        value: U256::from(5),
        gas_limit: 100_000,
        is_system_transaction: false,
        input: Bytes::from(format!("deposit in L1 block {l1_number}").into_bytes()),
    }
}

/// How one frame of a channel is carried.
#[derive(Clone, Copy, Debug)]
enum Carrier {
    Calldata(CalldataTxType),
    Blob,
}

/// A batcher payload queued for an L1 block.
enum Item {
    Calldata(CalldataTxType, Vec<u8>),
    Blobs(Vec<Vec<u8>>),
}

struct Builder {
    cfg: RollupConfig,
    l1: TestL1,
    l2: TestL2,
    /// L2 blocks built but not yet posted.
    pending: Vec<L2Block>,
    /// Payloads waiting for their L1 block (later frames of spread channels).
    scheduled: BTreeMap<u64, Vec<(Item, String)>>,
    channels: u64,
    /// What each L1 block carries, for the README.
    notes: BTreeMap<u64, Vec<String>>,
}

impl Builder {
    fn l1_time(number: u64) -> u64 {
        MULTI_FORK_GENESIS_TIME + (number - MULTI_FORK_L1_GENESIS) * L1_BLOCK_TIME
    }

    fn fork_time(&self, fork: Fork) -> u64 {
        self.cfg.fork_time(fork).expect("every scheduled fork is set")
    }

    /// Batches for `blocks`: singular ones while the origin is before Delta, then one span batch.
    fn batches(&self, blocks: &[L2Block]) -> (Vec<Batch>, String) {
        let delta = self.fork_time(Fork::Delta);
        let origin_time = |b: &L2Block| Self::l1_time(b.l1_origin.number);
        let split = blocks.iter().position(|b| origin_time(b) >= delta).unwrap_or(blocks.len());
        let (singular, span) = blocks.split_at(split);
        let mut batches: Vec<Batch> =
            singular.iter().map(|b| Batch::Singular(b.singular_batch())).collect();
        let mut parts = Vec::new();
        if let (Some(first), Some(last)) = (singular.first(), singular.last()) {
            parts.push(format!("singular batches for L2 {}-{}", first.number, last.number));
        }
        if let (Some(first), Some(last)) = (span.first(), span.last()) {
            batches.push(span_batch(span, &self.cfg));
            parts.push(format!("span batch for L2 {}-{}", first.number, last.number));
        }
        (batches, parts.join(" + "))
    }

    fn default_compression(&self, l1_number: u64) -> Compression {
        if Self::l1_time(l1_number) < self.fork_time(Fork::Fjord) || l1_number % 2 == 1 {
            Compression::Zlib
        } else {
            Compression::Brotli
        }
    }

    /// Posts `blocks` as one channel whose frames go, in order, to L1 block `at + offset` by
    /// `carrier`.
    fn post_blocks(
        &mut self,
        at: u64,
        blocks: &[L2Block],
        compression: Compression,
        frames: &[(u64, Carrier)],
    ) {
        if blocks.is_empty() {
            return;
        }
        self.channels += 1;
        let (batches, what) = self.batches(blocks);
        let channel = TestChannel::new(channel_id(self.channels), &batches, compression);
        let split = channel.data.len().div_ceil(frames.len());
        let parts = channel.frames(split);
        assert_eq!(parts.len(), frames.len(), "channel {} splits evenly", self.channels);
        for (i, (frame, &(offset, carrier))) in parts.iter().zip(frames).enumerate() {
            let data = payload([frame]);
            let (item, how) = match carrier {
                Carrier::Calldata(ty) => (Item::Calldata(ty, data), format!("calldata ({ty:?})")),
                Carrier::Blob => (Item::Blobs(vec![data]), "blob".to_string()),
            };
            let note = format!(
                "{how}: channel {} ({compression:?}) frame {}/{}{}",
                self.channels,
                i + 1,
                frames.len(),
                if i == 0 { format!(": {what}") } else { String::new() },
            );
            self.scheduled.entry(at + offset).or_default().push((item, note));
        }
    }

    /// Posts every pending L2 block as one channel.
    fn post(&mut self, at: u64, compression: Compression, frames: &[(u64, Carrier)]) {
        let blocks = std::mem::take(&mut self.pending);
        self.post_blocks(at, &blocks, compression, frames);
    }

    /// Posts every pending L2 block as one single-frame calldata channel.
    fn post_calldata(&mut self, at: u64) {
        let ty = [CalldataTxType::Eip1559, CalldataTxType::Legacy, CalldataTxType::Eip2930]
            [(at % 3) as usize];
        self.post(at, self.default_compression(at), &[(0, Carrier::Calldata(ty))]);
    }

    /// The batches posted in L1 block `number`, by plan.
    fn plan(&mut self, n: u64) {
        let k = n - MULTI_FORK_L1_GENESIS;
        let calldata = Carrier::Calldata(CalldataTxType::Eip1559);
        match k {
            // Nothing posted: batches wait for a later block (and 22 changes the batcher).
            2 | 12 | 22 => {}
            // A pre-Holocene channel over three L1 blocks; a second channel completes while it
            // is open (the channel bank reads the first one first).
            4 => self.post(n, Compression::Zlib, &[(0, calldata), (1, calldata), (2, calldata)]),
            5 => self.post(n, Compression::Zlib, &[(0, Carrier::Calldata(CalldataTxType::Legacy))]),
            6 => {}
            // The first blobs (Ecotone on L1 from 1016; Fjord from 1020: brotli).
            16 => self.post(n, Compression::Zlib, &[(0, Carrier::Blob)]),
            20 => self.post(n, Compression::Brotli, &[(0, Carrier::Blob)]),
            // One channel in two frames, carried by two blobs of one transaction.
            23 => {
                let blocks = std::mem::take(&mut self.pending);
                self.post_blocks(n, &blocks, Compression::Brotli, &[(0, Carrier::Blob); 2]);
                self.merge_blob_items(n);
            }
            // A channel in a blob followed by one in calldata, in the same block.
            26 => {
                let blocks = std::mem::take(&mut self.pending);
                let (first, second) = blocks.split_at(blocks.len() / 2);
                self.post_blocks(n, first, Compression::Brotli, &[(0, Carrier::Blob)]);
                self.post_blocks(n, second, Compression::Zlib, &[(0, calldata)]);
            }
            // Holocene: a channel whose first frame is in a blob and last in calldata of the
            // next L1 block (nothing else is posted in between: frames must stay in order).
            31 => self.post(n, Compression::Brotli, &[(0, Carrier::Blob), (1, calldata)]),
            32 => {}
            41 => self.post(n, Compression::Brotli, &[(0, Carrier::Blob)]),
            _ => self.post_calldata(n),
        }
    }

    /// Merges the blob items scheduled for `n` into one blob transaction.
    fn merge_blob_items(&mut self, n: u64) {
        let items = self.scheduled.remove(&n).unwrap_or_default();
        let mut blobs = Vec::new();
        let mut notes = Vec::new();
        let mut rest = Vec::new();
        for (item, note) in items {
            match item {
                Item::Blobs(b) => {
                    blobs.extend(b);
                    notes.push(note);
                }
                other => rest.push((other, note)),
            }
        }
        rest.push((Item::Blobs(blobs), format!("one blob tx: {}", notes.join("; "))));
        self.scheduled.insert(n, rest);
    }

    fn build_l1_block(&mut self, n: u64) {
        let mut notes = Vec::new();
        if n == MULTI_FORK_BATCHER_CHANGE_BLOCK {
            // Batches after this block are signed by the new batcher.
            self.l1.set_batcher(other_batcher_key());
        }
        let decoy = (n == MULTI_FORK_BATCHER_CHANGE_BLOCK + 2).then(|| self.decoy_payload());
        self.plan(n);
        let items = self.scheduled.remove(&n).unwrap_or_default();
        let key = self.l1.batcher();
        let inbox = self.l1.batch_inbox();
        let mut b = self.l1.new_block();
        if MULTI_FORK_DEPOSIT_BLOCKS.contains(&n) {
            b = b.deposit(&multi_fork_deposit(n));
            notes.push("user deposit".to_string());
        }
        let update = match n {
            MULTI_FORK_BATCHER_CHANGE_BLOCK => {
                Some(ConfigUpdate::Batcher(other_batcher_key().address))
            }
            MULTI_FORK_GAS_LIMIT_BLOCK => Some(ConfigUpdate::GasLimit(MULTI_FORK_NEW_GAS_LIMIT)),
            MULTI_FORK_EIP1559_BLOCK => {
                Some(ConfigUpdate::Eip1559Params(MULTI_FORK_EIP1559_PARAMS))
            }
            MULTI_FORK_OPERATOR_FEE_BLOCK => Some(ConfigUpdate::OperatorFeeParams {
                scalar: MULTI_FORK_OPERATOR_FEE.0,
                constant: MULTI_FORK_OPERATOR_FEE.1,
            }),
            MULTI_FORK_DA_FOOTPRINT_BLOCK => {
                Some(ConfigUpdate::DaFootprintGasScalar(MULTI_FORK_DA_FOOTPRINT_SCALAR))
            }
            MULTI_FORK_MIN_BASE_FEE_BLOCK => {
                Some(ConfigUpdate::MinBaseFee(MULTI_FORK_MIN_BASE_FEE))
            }
            _ => None,
        };
        if let Some(update) = update {
            b = b.config_update(update);
            notes.push(format!("SystemConfig update {update:?}"));
        }
        if let Some(decoy) = decoy {
            b = b.batcher_calldata_from(&batcher_key(), decoy);
            notes.push("old batcher's calldata (a conflicting batch: must be ignored)".into());
        }
        for (item, note) in items {
            b = match item {
                Item::Calldata(ty, data) => b.calldata_tx(&key, ty, TxKind::Call(inbox), data),
                Item::Blobs(blobs) => b.batcher_blobs(&blobs),
            };
            notes.push(note);
        }
        b.build();
        self.notes.insert(n, notes);
    }

    /// A channel from the replaced batcher with a batch for the next pending L2 block carrying
    /// a different transaction: deriving it would change the chain.
    fn decoy_payload(&self) -> Vec<u8> {
        let first = self.pending.first().expect("blocks are pending when the decoy is posted");
        let mut batch = first.singular_batch();
        batch.transactions = vec![Bytes::from_static(&[0x02, 0xc0])];
        let channel =
            TestChannel::new(channel_id(1_000), &[Batch::Singular(batch)], Compression::Zlib);
        channel.single_payload()
    }

    /// The L2 blocks of epoch `k` (L2 times `12k .. 12k + 10` after genesis).
    fn build_l2_epoch(&mut self, k: u64) {
        let origin = self.l1.block_ref(MULTI_FORK_L1_GENESIS + k).expect("epoch origin built");
        let jovian = self.fork_time(Fork::Jovian);
        while self.l2.head().timestamp + self.cfg.block_time < origin.timestamp + L1_BLOCK_TIME {
            let number = self.l2.head().number + 1;
            let timestamp = self.l2.head().timestamp + self.cfg.block_time;
            // The Jovian activation block carries no user transactions.
            let count = if timestamp == jovian { 0 } else { (number % 3) as usize };
            let mut txs: Vec<Bytes> =
                (0..count).map(|_| self.l2.transfer(Address::with_last_byte(0x42))).collect();
            if timestamp == self.fork_time(Fork::Isthmus) {
                txs.push(multi_fork_set_code_tx(&self.cfg));
            }
            let block = self.l2.push_block(&origin, txs);
            self.pending.push(block);
        }
    }
}

/// The multi-fork test chain: its rollup config, L1 (1000..=1047) and L2 (blocks 0..=269).
///
/// L1 blocks are 12 s apart, L2 blocks 2 s; L2 block `i` of epoch `k` has L1 origin `1000 + k`.
/// L1 block `1000 + k` posts (by plan) the L2 blocks built before it, so batches trail their
/// blocks by an epoch or a few.
pub fn multi_fork_chain() -> (RollupConfig, TestL1, TestL2) {
    let (cfg, l1, l2, _) = build_multi_fork();
    (cfg, l1, l2)
}

fn build_multi_fork() -> (RollupConfig, TestL1, TestL2, BTreeMap<u64, Vec<String>>) {
    let l1 = TestL1::new(MULTI_FORK_L1_GENESIS, MULTI_FORK_GENESIS_TIME);
    let mut cfg = test_rollup_config(&l1);
    set_fork(&mut cfg, Fork::Canyon, None);
    for (fork, offset) in MULTI_FORK_SCHEDULE {
        activate_at(&mut cfg, fork, MULTI_FORK_GENESIS_TIME + offset);
    }
    let l2 = TestL2::new(&cfg);
    let mut b = Builder {
        cfg,
        l1,
        l2,
        pending: Vec::new(),
        scheduled: BTreeMap::new(),
        channels: 0,
        notes: BTreeMap::new(),
    };
    b.build_l2_epoch(0);
    for k in 1..=MULTI_FORK_L1_BLOCKS {
        b.build_l1_block(MULTI_FORK_L1_GENESIS + k);
        if k < MULTI_FORK_EPOCHS {
            b.build_l2_epoch(k);
        }
    }
    assert!(b.pending.is_empty() && b.scheduled.is_empty(), "every L2 block is posted");
    (b.cfg, b.l1, b.l2, b.notes)
}

/// The generated contents of `fixtures/multi-fork/`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiForkFiles {
    /// `l1.json`: the L1 chain as a `keel record` fixture.
    pub l1_json: String,
    /// `rollup.json`: the rollup config, op-node format.
    pub rollup_json: String,
    /// `README.md`: what the chain contains.
    pub readme: String,
}

impl MultiForkFiles {
    /// The files by name.
    pub fn files(&self) -> [(&'static str, &str); 3] {
        [
            ("l1.json", &self.l1_json),
            ("rollup.json", &self.rollup_json),
            ("README.md", &self.readme),
        ]
    }
}

/// The directory the multi-fork fixture is committed in.
pub fn multi_fork_dir() -> std::path::PathBuf {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    tests.parent().expect("keel-tests sits in the workspace").join("fixtures/multi-fork")
}

/// Generates the multi-fork fixture files.
pub fn multi_fork_files() -> MultiForkFiles {
    let (cfg, l1, l2, notes) = build_multi_fork();
    let mut l1_json = l1.to_fixture().to_json().expect("fixture serializes");
    l1_json.push('\n');
    let mut rollup_json = cfg.to_json().expect("config serializes");
    rollup_json.push('\n');
    let readme = readme(&cfg, &l1, &l2, &notes);
    MultiForkFiles { l1_json, rollup_json, readme }
}

fn readme(
    cfg: &RollupConfig,
    l1: &TestL1,
    l2: &TestL2,
    notes: &BTreeMap<u64, Vec<String>>,
) -> String {
    let g = MULTI_FORK_GENESIS_TIME;
    let mut s = String::new();
    s.push_str("# multi-fork: a test chain across every OP Stack fork\n\n");
    s.push_str(
        "Generated by `keel_tests::chain::multi_fork_files()` (tests/src/chain/fixture.rs); do \
         not edit by hand. Regenerate with\n\n```sh\nKEEL_REGENERATE=1 cargo test -p keel-tests \
         --test multi_fork multi_fork_fixture_files_are_up_to_date\n```\n\n\
         and check the result with `cargo test -p keel-tests --test multi_fork`.\n\n",
    );
    s.push_str(
        "- `l1.json`: the L1 chain as a `keel record` fixture (`keel_core::fixture::L1Fixture`). \
         Blob versioned hashes are built from a stand-in commitment (keccak of the blob), not \
         KZG: serve the blobs as recorded.\n\
         - `rollup.json`: the rollup config (op-node format): OP Sepolia's parameters anchored \
         on L1 block 1000, test addresses, forks below.\n\n\
         Derive it with\n\n```sh\nkeel derive --rollup-config fixtures/multi-fork/rollup.json \
         --l1 fixtures/multi-fork/l1.json --blob-schedule cancun-from-genesis\n```\n\n\
         (the test L1 prices blobs with Cancun's fraction from time 0; its chain id is \
         Sepolia's, whose own schedule starts later). L2 block hashes are keel's synthetic \
         hashes (`keel_core::derive::synthetic`), not executed blocks.\n\n",
    );
    s.push_str(&format!(
        "L1: blocks {}..={} every 12 s from time {g}. L2: blocks 0..={} every 2 s from the same \
         time; L2 blocks at `{g} + 12k .. {g} + 12k + 10` have L1 origin `1000 + k`. L2 blocks \
         carry 0-2 signed transfers each (none in the Jovian activation block); the Isthmus \
         activation block also carries an EIP-7702 (SetCode) transaction.\n\n",
        l1.genesis().number,
        l1.head().number,
        l2.head().number,
    ));
    s.push_str("| fork | L2 time | genesis + s | activation L2 block |\n|---|---|---|---|\n");
    s.push_str(&format!("| Bedrock, Regolith | {g} | 0 | (genesis) |\n"));
    for (fork, offset) in MULTI_FORK_SCHEDULE {
        let time = cfg.fork_time(fork).expect("set");
        let number = (time - g) / cfg.block_time;
        s.push_str(&format!("| {fork:?} | {time} | {offset} | {number} |\n"));
    }
    s.push_str(
        "\nBatches: singular before Delta, span batches from Delta; calldata before Ecotone, \
         calldata and blobs after; zlib before Fjord, brotli and zlib after. The derivation \
         adds the network-upgrade transactions of Ecotone, Fjord, Isthmus and Jovian to their \
         activation blocks, and L1-info layouts switch one block after each activation.\n\n",
    );
    s.push_str("| L1 block | time | carries |\n|---|---|---|\n");
    for number in l1.genesis().number..=l1.head().number {
        let time = l1.block_ref(number).expect("canonical").timestamp;
        let carries = notes.get(&number).filter(|n| !n.is_empty()).map_or_else(
            || if number == l1.genesis().number { "genesis".into() } else { "-".into() },
            |n| n.join("; "),
        );
        s.push_str(&format!("| {number} | {g} + {} | {carries} |\n", time - g));
    }
    s
}
