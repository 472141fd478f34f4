//! Offline derivation over a recorded L1 fixture (`keel record` format): the driver behind
//! `keel derive`, stepped from JavaScript one event at a time.

use alloy_primitives::{B256, keccak256};
use keel_core::{
    derive::{
        BlobProvider, L1BlockRef, L1Provider, L2BlockRef, PipelineError, ProviderError,
        attributes::AttributesWithParent,
        offline::{DeriveEvent, OfflineDeriver},
    },
    fixture::{FixtureHost, L1Fixture},
    l1_info::{BlobFeeStep, CANCUN_BLOB_UPDATE_FRACTION, L1BlobSchedule},
};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{WasmError, inspect::resolve_config, js_err, to_js};

/// The L1 blob fee schedule used to price blobs in the L1-info deposit (as `keel derive
/// --blob-schedule`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlobSchedule {
    /// Ethereum mainnet's Cancun, Prague and BPO forks.
    Mainnet,
    /// Sepolia's.
    Sepolia,
    /// Cancun's update fraction from time 0 (devnets and keel's test chains).
    CancunFromGenesis,
}

impl BlobSchedule {
    /// Parses `mainnet`, `sepolia` or `cancun-from-genesis`.
    pub fn parse(name: &str) -> Result<Self, WasmError> {
        match name {
            "mainnet" => Ok(Self::Mainnet),
            "sepolia" => Ok(Self::Sepolia),
            "cancun-from-genesis" => Ok(Self::CancunFromGenesis),
            other => Err(WasmError::BlobSchedule(other.into())),
        }
    }

    /// The schedule.
    pub fn schedule(self) -> L1BlobSchedule {
        match self {
            Self::Mainnet => L1BlobSchedule::MAINNET,
            Self::Sepolia => L1BlobSchedule::SEPOLIA,
            Self::CancunFromGenesis => L1BlobSchedule::new(vec![BlobFeeStep {
                activation_time: 0,
                update_fraction: CANCUN_BLOB_UPDATE_FRACTION,
            }])
            // One step at time 0 is always a valid schedule; mainnet's starts with the same one.
            .unwrap_or(L1BlobSchedule::MAINNET),
        }
    }
}

/// One derivation event as sent to JavaScript (`{"kind": ...}`).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase", rename_all_fields = "camelCase")]
pub enum DeriveEventJson {
    /// Attributes were derived: the new safe head and what it is built from.
    Attributes {
        /// The L2 block the attributes describe (synthetic hash, see `SyntheticL2`).
        l2_block: L2BlockRef,
        /// `attributes_hash()`: the digest to compare with `keel derive`.
        attributes_hash: B256,
        /// Number of transactions (deposits included).
        tx_count: usize,
        /// keccak256 of each transaction's EIP-2718 encoding, in order.
        tx_hashes: Vec<B256>,
        /// The `keel derive` JSON line of these attributes.
        attributes: Box<AttributesWithParent>,
    },
    /// The pipeline moved to a new L1 block.
    Origin {
        /// The block.
        l1_block: L1BlockRef,
    },
    /// An L1 reorg reset the pipeline to this safe head.
    Reset {
        /// The safe head after the reset.
        safe_head: L2BlockRef,
    },
    /// The fixture's L1 is used up.
    Eof,
}

/// Run totals as sent to JavaScript.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StatsJson {
    /// L1 blocks in the fixture.
    pub l1_total: u64,
    /// L1 blocks read (the start block included).
    pub l1_blocks: u64,
    /// L2 blocks derived.
    pub l2_blocks: u64,
    /// Resets (L1 reorgs).
    pub resets: u64,
    /// Batcher transactions selected.
    pub batcher_txs: u64,
    /// Blobs fetched.
    pub blobs: u64,
    /// Bytes of batcher data (frames) read.
    pub batcher_bytes: u64,
    /// Channels read.
    pub channels: u64,
    /// Batches decoded.
    pub batches: u64,
    /// Safe head number.
    pub safe_head: u64,
    /// Current L1 origin number.
    pub l1_origin: u64,
    /// Whether the fixture is used up.
    pub done: bool,
}

/// The pipeline plus what every JS-facing deriver keeps: the attributes hashes so far. Shared by
/// [`FixtureDeriver`] and [`crate::live::LiveDeriver`], which differ only in their host.
#[derive(Debug)]
pub(crate) struct Driver {
    pub(crate) deriver: OfflineDeriver,
    pub(crate) hashes: Vec<B256>,
}

impl Driver {
    pub(crate) fn new(deriver: OfflineDeriver) -> Self {
        Self { deriver, hashes: Vec::new() }
    }

    /// One pipeline step; `None` when the host has no further L1 block (yet).
    pub(crate) fn step(
        &mut self,
        l1: &mut impl L1Provider,
        blobs: &mut impl BlobProvider,
    ) -> Result<Option<DeriveEvent>, WasmError> {
        match self.deriver.step(l1, blobs) {
            Ok(event) => {
                if let DeriveEvent::Attributes(attributes, _) = &event {
                    self.hashes.push(attributes.attributes_hash());
                }
                Ok(Some(event))
            }
            Err(PipelineError::Eof) => Ok(None),
            Err(PipelineError::Temporary(ProviderError::Missing { what: "l2 block", key })) => {
                Err(WasmError::Derive(format!(
                    "a batch refers to L2 block {key}, before the start head #{}",
                    self.deriver.safe_head().number
                )))
            }
            Err(e) => Err(WasmError::Derive(e.to_string())),
        }
    }

    /// The event as sent to JavaScript (the attributes hash is the last one pushed).
    pub(crate) fn event_json(&self, event: DeriveEvent) -> DeriveEventJson {
        match event {
            DeriveEvent::Attributes(attributes, l2_block) => {
                let txs = attributes.attributes.transactions.as_deref().unwrap_or_default();
                DeriveEventJson::Attributes {
                    l2_block,
                    attributes_hash: self.hashes.last().copied().unwrap_or_default(),
                    tx_count: txs.len(),
                    tx_hashes: txs.iter().map(keccak256).collect(),
                    attributes,
                }
            }
            DeriveEvent::OriginAdvanced(l1_block) => DeriveEventJson::Origin { l1_block },
            DeriveEvent::Reset(safe_head) => DeriveEventJson::Reset { safe_head },
        }
    }

    /// Run totals.
    pub(crate) fn totals(&self, l1_total: u64, done: bool) -> StatsJson {
        let stats = self.deriver.stats();
        let source = self.deriver.pipeline().source();
        let retrieval = source.retrieval_stats();
        StatsJson {
            l1_total,
            l1_blocks: stats.l1_blocks.saturating_add(1),
            l2_blocks: stats.l2_blocks,
            resets: stats.resets,
            batcher_txs: retrieval.batcher_txs,
            blobs: retrieval.blobs,
            batcher_bytes: retrieval.bytes,
            channels: source.stats().channels,
            batches: source.stats().batches,
            safe_head: self.deriver.safe_head().number,
            l1_origin: self.deriver.pipeline().origin().number,
            done,
        }
    }
}

/// The derivation pipeline over an in-memory L1 fixture, from the rollup's genesis.
#[wasm_bindgen]
pub struct FixtureDeriver {
    driver: Driver,
    host: FixtureHost,
    l1_total: u64,
    done: bool,
}

impl FixtureDeriver {
    /// Parses the rollup config (network name, op-node JSON or chain TOML) and the fixture JSON,
    /// and starts at genesis, whose L1 block the fixture must hold.
    pub fn load(
        rollup: &str,
        fixture_json: &str,
        schedule: BlobSchedule,
    ) -> Result<Self, WasmError> {
        let (cfg, _) = resolve_config(rollup)?;
        let fixture =
            L1Fixture::from_json(fixture_json).map_err(|e| WasmError::Fixture(e.to_string()))?;
        let host = FixtureHost::new(&fixture).map_err(|e| WasmError::Fixture(e.to_string()))?;
        let genesis = cfg.genesis.l1;
        let genesis_l1 = (&host)
            .block_ref_by_number(genesis.number)
            .map_err(|e| WasmError::Fixture(e.to_string()))?
            .ok_or_else(|| {
                WasmError::Genesis(format!("the fixture has no L1 block {}", genesis.number))
            })?;
        if genesis_l1.hash != genesis.hash {
            return Err(WasmError::Genesis(format!(
                "L1 block {} is {}, but the rollup's genesis L1 block is {}",
                genesis_l1.number, genesis_l1.hash, genesis.hash
            )));
        }
        Ok(Self {
            driver: Driver::new(OfflineDeriver::from_genesis(cfg, schedule.schedule(), genesis_l1)),
            host,
            l1_total: fixture.blocks.len() as u64,
            done: false,
        })
    }

    /// One derivation event; after the fixture is used up, [`DeriveEventJson::Eof`] forever.
    pub fn next_event(&mut self) -> Result<DeriveEventJson, WasmError> {
        match self.advance()? {
            Some(event) => Ok(self.driver.event_json(event)),
            None => Ok(DeriveEventJson::Eof),
        }
    }

    /// One step without building the JavaScript event; `None` once the fixture is used up.
    fn advance(&mut self) -> Result<Option<DeriveEvent>, WasmError> {
        if self.done {
            return Ok(None);
        }
        let event = self.driver.step(&mut &self.host, &mut &self.host)?;
        self.done = event.is_none();
        Ok(event)
    }

    /// Run totals so far.
    pub fn totals(&self) -> StatsJson {
        self.driver.totals(self.l1_total, self.done)
    }

    /// The attributes hashes derived so far, in order.
    pub fn hashes(&self) -> &[B256] {
        &self.driver.hashes
    }

    /// Runs to the end of the fixture.
    pub fn run_to_end(&mut self) -> Result<StatsJson, WasmError> {
        while self.advance()?.is_some() {}
        Ok(self.totals())
    }
}

pub(crate) fn json<T: Serialize>(value: &T) -> Result<String, WasmError> {
    serde_json::to_string(value).map_err(|e| WasmError::Json(e.to_string()))
}

#[wasm_bindgen]
impl FixtureDeriver {
    /// `new FixtureDeriver(rollupConfig, l1FixtureJson, blobSchedule)`: `rollupConfig` is a
    /// network name or rollup config text; `blobSchedule` is `"mainnet"`, `"sepolia"` or
    /// `"cancun-from-genesis"`.
    #[wasm_bindgen(constructor)]
    pub fn js_new(
        #[wasm_bindgen(js_name = rollupConfig)] rollup_config: &str,
        #[wasm_bindgen(js_name = l1FixtureJson)] l1_fixture_json: &str,
        #[wasm_bindgen(
            js_name = blobSchedule,
            unchecked_param_type = "\"mainnet\" | \"sepolia\" | \"cancun-from-genesis\""
        )]
        blob_schedule: &str,
    ) -> Result<FixtureDeriver, JsError> {
        BlobSchedule::parse(blob_schedule)
            .and_then(|s| Self::load(rollup_config, l1_fixture_json, s))
            .map_err(js_err)
    }

    /// One event: `attributes` (a derived L2 block), `origin` (the next L1 block), `reset` (an
    /// L1 reorg) or `eof` (the fixture is used up; then `eof` forever).
    #[wasm_bindgen(js_name = step, unchecked_return_type = "DeriveEvent")]
    pub fn js_step(&mut self) -> Result<JsValue, JsError> {
        to_js(&self.next_event().map_err(js_err)?)
    }

    /// Up to `max` events, stopping after an `eof` (fewer boundary crossings for a page that
    /// renders between batches).
    #[wasm_bindgen(js_name = stepMany, unchecked_return_type = "DeriveEvent[]")]
    pub fn js_step_many(&mut self, max: u32) -> Result<JsValue, JsError> {
        let mut events = Vec::new();
        for _ in 0..max.max(1) {
            let event = self.next_event().map_err(js_err)?;
            let eof = event == DeriveEventJson::Eof;
            events.push(event);
            if eof {
                break;
            }
        }
        to_js(&events)
    }

    /// Runs to the end, calling `progress(stats)` every `every` events (default 64) and once at
    /// the end; returns the final stats.
    #[wasm_bindgen(js_name = runAll, unchecked_return_type = "DeriveStats")]
    pub fn js_run_all(
        &mut self,
        #[wasm_bindgen(unchecked_optional_param_type = "((stats: DeriveStats) => void) | null")]
        progress: Option<js_sys::Function>,
        #[wasm_bindgen(unchecked_optional_param_type = "number | null")] every: Option<u32>,
    ) -> Result<JsValue, JsError> {
        let every = every.unwrap_or(64).max(1);
        let report = |me: &Self| -> Result<(), JsError> {
            if let Some(f) = &progress {
                let stats = to_js(&me.totals())?;
                f.call1(&JsValue::NULL, &stats).map_err(|e| {
                    js_err(WasmError::Callback(e.as_string().unwrap_or_else(|| format!("{e:?}"))))
                })?;
            }
            Ok(())
        };
        let mut n: u32 = 0;
        // Events are not turned into JSON here: runAll is the benchmark's path.
        while self.advance().map_err(js_err)?.is_some() {
            n = n.wrapping_add(1);
            if n.is_multiple_of(every) {
                report(self)?;
            }
        }
        report(self)?;
        to_js(&self.totals())
    }

    /// Run totals so far.
    #[wasm_bindgen(js_name = stats, unchecked_return_type = "DeriveStats")]
    pub fn js_stats(&self) -> Result<JsValue, JsError> {
        to_js(&self.totals())
    }

    /// The attributes hashes derived so far, in order.
    #[wasm_bindgen(js_name = attributesHashes, unchecked_return_type = "Hex[]")]
    pub fn js_attributes_hashes(&self) -> Vec<String> {
        self.driver.hashes.iter().map(ToString::to_string).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multi_fork() -> (String, String) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures/multi-fork");
        (
            std::fs::read_to_string(format!("{dir}/rollup.json")).unwrap(),
            std::fs::read_to_string(format!("{dir}/l1.json")).unwrap(),
        )
    }

    /// The hashes `keel derive` gets: `OfflineDeriver` over `FixtureHost` natively.
    fn native_hashes(rollup: &str, l1: &str) -> Vec<B256> {
        let cfg = keel_core::config::RollupConfig::from_json(rollup).unwrap();
        let fixture = L1Fixture::from_json(l1).unwrap();
        let host = FixtureHost::new(&fixture).unwrap();
        let genesis_l1 = (&host).block_ref_by_number(cfg.genesis.l1.number).unwrap().unwrap();
        let mut deriver = OfflineDeriver::from_genesis(
            cfg,
            BlobSchedule::CancunFromGenesis.schedule(),
            genesis_l1,
        );
        let mut hashes = Vec::new();
        loop {
            match deriver.step(&mut &host, &mut &host) {
                Ok(DeriveEvent::Attributes(a, _)) => hashes.push(a.attributes_hash()),
                Ok(_) => {}
                Err(PipelineError::Eof) => break,
                Err(e) => panic!("{e}"),
            }
        }
        hashes
    }

    #[test]
    fn multi_fork_fixture_derives_269_blocks_equal_to_native() {
        let (rollup, l1) = multi_fork();
        let native = native_hashes(&rollup, &l1);
        assert_eq!(native.len(), 269);

        let mut d = FixtureDeriver::load(&rollup, &l1, BlobSchedule::CancunFromGenesis).unwrap();
        let mut from_events = Vec::new();
        let mut origins = 0u64;
        let mut prev_number = None;
        loop {
            match d.next_event().unwrap() {
                DeriveEventJson::Attributes {
                    l2_block,
                    attributes_hash,
                    tx_count,
                    tx_hashes,
                    attributes,
                } => {
                    assert_eq!(attributes_hash, attributes.attributes_hash());
                    assert_eq!(tx_count, tx_hashes.len());
                    assert!(tx_count >= 1, "every block starts with the L1-info deposit");
                    if let Some(p) = prev_number {
                        assert_eq!(l2_block.number, p + 1);
                    }
                    prev_number = Some(l2_block.number);
                    from_events.push(attributes_hash);
                }
                DeriveEventJson::Origin { .. } => origins += 1,
                DeriveEventJson::Reset { .. } => panic!("no reorg in the multi-fork chain"),
                DeriveEventJson::Eof => break,
            }
        }
        assert_eq!(from_events, native);
        assert_eq!(d.hashes(), native.as_slice());
        // What `attributesHashes()` returns: each hash as its JSON form, without the quotes.
        let js_hashes = d.js_attributes_hashes();
        let serde_hashes: Vec<String> = serde_json::from_str(&json(&native).unwrap()).unwrap();
        assert_eq!(js_hashes, serde_hashes);
        assert_eq!(js_hashes[0].len(), 66);
        let stats = d.totals();
        assert_eq!(stats.l2_blocks, 269);
        assert_eq!(stats.l1_blocks, origins + 1);
        assert!(stats.done);
        assert!(stats.channels > 0 && stats.batches > 0 && stats.blobs > 0);
        // Used up: eof again, nothing more.
        assert_eq!(d.next_event().unwrap(), DeriveEventJson::Eof);
        assert_eq!(d.totals(), stats);
    }

    #[test]
    fn run_to_end_and_event_json_shape() {
        let (rollup, l1) = multi_fork();
        let mut d = FixtureDeriver::load(&rollup, &l1, BlobSchedule::CancunFromGenesis).unwrap();
        let first = loop {
            let e = d.next_event().unwrap();
            if matches!(e, DeriveEventJson::Attributes { .. }) {
                break e;
            }
        };
        let v: serde_json::Value = serde_json::from_str(&json(&first).unwrap()).unwrap();
        assert_eq!(v["kind"], "attributes");
        assert_eq!(v["l2Block"]["number"], 1);
        assert_eq!(v["attributesHash"].as_str().unwrap().len(), 66);
        assert!(v["attributes"]["attributes"]["transactions"].is_array());
        let origin: serde_json::Value = serde_json::from_str(
            &json(&DeriveEventJson::Origin { l1_block: L1BlockRef::default() }).unwrap(),
        )
        .unwrap();
        assert_eq!(origin["kind"], "origin");
        assert!(origin["l1Block"]["number"].is_u64());
        assert_eq!(json(&DeriveEventJson::Eof).unwrap(), r#"{"kind":"eof"}"#);
        let stats = d.run_to_end().unwrap();
        assert_eq!(stats.l2_blocks, 269);
        let s: serde_json::Value = serde_json::from_str(&json(&stats).unwrap()).unwrap();
        assert_eq!(s["l2Blocks"], 269);
        assert_eq!(s["done"], true);
    }

    #[test]
    fn bad_inputs_are_typed_errors() {
        let (rollup, l1) = multi_fork();
        assert_eq!(BlobSchedule::parse("cancun"), Err(WasmError::BlobSchedule("cancun".into())));
        assert!(matches!(
            FixtureDeriver::load(&rollup, "{", BlobSchedule::Mainnet),
            Err(WasmError::Fixture(_))
        ));
        assert!(matches!(
            FixtureDeriver::load(&rollup, "[]", BlobSchedule::Mainnet),
            Err(WasmError::Fixture(_))
        ));
        // op-mainnet's genesis L1 block is not in the test chain's fixture.
        assert!(matches!(
            FixtureDeriver::load("op-mainnet", &l1, BlobSchedule::Mainnet),
            Err(WasmError::Genesis(_))
        ));
        assert!(matches!(
            FixtureDeriver::load("nope", &l1, BlobSchedule::Mainnet),
            Err(WasmError::UnknownNetwork { .. })
        ));
    }
}
