//! [`InMemoryHost`]: the derivation host traits served from a [`TestL1`] and a [`TestL2`],
//! with fault injection to exercise retries.

use std::cell::RefCell;
use std::collections::HashMap;

use alloy_consensus::{Header, ReceiptEnvelope, Transaction, TxEnvelope};
use alloy_primitives::{B256, Bytes};
use keel_core::{
    batcher_tx::IndexedBlobHash,
    config::SystemConfig,
    derive::{
        BlobProvider, L1BlockRef, L1Provider, L2BlockRef, L2Provider, ProviderError,
        error::DataKey, host::Blob,
    },
};

use super::{batcher::TestL2, l1::TestL1};

/// A host method, for fault injection and call counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HostCall {
    /// [`L1Provider::block_ref_by_number`].
    L1BlockRef,
    /// [`L1Provider::header_by_hash`].
    L1Header,
    /// [`L1Provider::transactions_by_hash`].
    L1Transactions,
    /// [`L1Provider::receipts_by_hash`].
    L1Receipts,
    /// [`BlobProvider::blobs`].
    Blobs,
    /// [`L2Provider::l2_block_ref_by_number`].
    L2BlockRef,
    /// [`L2Provider::system_config_by_number`].
    L2SystemConfig,
    /// [`L2Provider::transactions_by_number`].
    L2Transactions,
}

/// What an injected fault answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// [`ProviderError::Missing`] (not fetched yet).
    Missing,
    /// [`ProviderError::Temporary`] (source failure).
    Temporary,
}

#[derive(Clone, Copy, Debug)]
struct Fault {
    call: HostCall,
    kind: FaultKind,
    skip: u64,
    times: u32,
}

/// Serves the derivation host traits from memory.
///
/// The blob source is trusted: blobs are looked up by the fake versioned hashes
/// [`TestL1`] gives them, with no KZG check (see
/// [`fake_blob_commitment`](super::l1::fake_blob_commitment)).
///
/// The traits are implemented for `&InMemoryHost` too (fault and call state sit in
/// `RefCell`s), so one host can be passed as both the L1 and the blob provider:
/// `source.next_batch(&cfg, &sys, &mut &host, &mut &host)`.
#[derive(Clone, Debug)]
pub struct InMemoryHost {
    /// The L1 chain served.
    pub l1: TestL1,
    /// The L2 chain served.
    pub l2: TestL2,
    head: Option<u64>,
    faults: RefCell<Vec<Fault>>,
    calls: RefCell<HashMap<HostCall, u64>>,
}

impl InMemoryHost {
    /// A host over `l1` and `l2` whose L1 head follows `l1`'s canonical tip.
    pub fn new(l1: TestL1, l2: TestL2) -> Self {
        Self {
            l1,
            l2,
            head: None,
            faults: RefCell::new(Vec::new()),
            calls: RefCell::new(HashMap::new()),
        }
    }

    /// Caps the L1 head the host reports (`None`: follow the tip): blocks past it answer
    /// `Ok(None)` from [`L1Provider::block_ref_by_number`].
    pub fn set_head(&mut self, head: Option<u64>) {
        self.head = head;
    }

    /// Makes the next `times` calls of `call` fail with `kind`.
    pub fn fail_next(&self, call: HostCall, kind: FaultKind, times: u32) {
        self.fail_after(call, 0, kind, times);
    }

    /// Lets `skip` calls of `call` succeed, then makes the next `times` fail with `kind`.
    pub fn fail_after(&self, call: HostCall, skip: u64, kind: FaultKind, times: u32) {
        self.faults.borrow_mut().push(Fault { call, kind, skip, times });
    }

    /// Drops every pending fault.
    pub fn clear_faults(&self) {
        self.faults.borrow_mut().clear();
    }

    /// How many times `call` was made (failed calls included).
    pub fn calls(&self, call: HostCall) -> u64 {
        self.calls.borrow().get(&call).copied().unwrap_or(0)
    }

    fn enter(&self, call: HostCall, what: &'static str, key: DataKey) -> Result<(), ProviderError> {
        *self.calls.borrow_mut().entry(call).or_default() += 1;
        let mut faults = self.faults.borrow_mut();
        let Some(pos) = faults.iter().position(|f| f.call == call) else {
            return Ok(());
        };
        let fault = &mut faults[pos];
        if fault.skip > 0 {
            fault.skip -= 1;
            return Ok(());
        }
        fault.times = fault.times.saturating_sub(1);
        let kind = fault.kind;
        if fault.times == 0 {
            faults.remove(pos);
        }
        Err(match kind {
            FaultKind::Missing => ProviderError::Missing { what, key },
            FaultKind::Temporary => ProviderError::Temporary(format!("injected failure: {what}")),
        })
    }

    fn block(&self, hash: B256, what: &'static str) -> Result<&super::l1::L1Block, ProviderError> {
        self.l1.block_by_hash(hash).ok_or(ProviderError::Missing { what, key: DataKey::Hash(hash) })
    }
}

impl L1Provider for &InMemoryHost {
    fn block_ref_by_number(&mut self, number: u64) -> Result<Option<L1BlockRef>, ProviderError> {
        self.enter(HostCall::L1BlockRef, "l1 block", DataKey::Number(number))?;
        if self.head.is_some_and(|head| number > head) {
            return Ok(None);
        }
        Ok(self.l1.block_ref(number))
    }

    fn header_by_hash(&mut self, hash: B256) -> Result<Header, ProviderError> {
        self.enter(HostCall::L1Header, "l1 header", DataKey::Hash(hash))?;
        Ok(self.block(hash, "l1 header")?.header.clone())
    }

    fn transactions_by_hash(&mut self, hash: B256) -> Result<Vec<TxEnvelope>, ProviderError> {
        self.enter(HostCall::L1Transactions, "l1 transactions", DataKey::Hash(hash))?;
        Ok(self.block(hash, "l1 transactions")?.transactions.clone())
    }

    fn receipts_by_hash(&mut self, hash: B256) -> Result<Vec<ReceiptEnvelope>, ProviderError> {
        self.enter(HostCall::L1Receipts, "receipts", DataKey::Hash(hash))?;
        Ok(self.block(hash, "receipts")?.receipts.clone())
    }
}

impl BlobProvider for &InMemoryHost {
    /// Checks that each index names that hash in the block (catching index bugs in callers),
    /// then serves the stored blobs.
    fn blobs(
        &mut self,
        block: &L1BlockRef,
        hashes: &[IndexedBlobHash],
    ) -> Result<Vec<Box<Blob>>, ProviderError> {
        self.enter(HostCall::Blobs, "blobs", DataKey::Hash(block.hash))?;
        let in_block: Vec<B256> = self
            .block(block.hash, "l1 block")?
            .transactions
            .iter()
            .filter_map(|tx| tx.blob_versioned_hashes())
            .flatten()
            .copied()
            .collect();
        hashes
            .iter()
            .map(|h| {
                let at_index = usize::try_from(h.index).ok().and_then(|i| in_block.get(i));
                if at_index != Some(&h.hash) {
                    return Err(ProviderError::Invalid(format!(
                        "blob {} is not at index {} of L1 block {}",
                        h.hash, h.index, block.number
                    )));
                }
                self.l1
                    .blob(h.hash)
                    .map(|b| Box::new(*b))
                    .ok_or(ProviderError::Missing { what: "blob", key: DataKey::Hash(h.hash) })
            })
            .collect()
    }
}

impl L2Provider for &InMemoryHost {
    fn l2_block_ref_by_number(&mut self, number: u64) -> Result<L2BlockRef, ProviderError> {
        self.enter(HostCall::L2BlockRef, "l2 block", DataKey::Number(number))?;
        self.l2
            .block(number)
            .map(|b| b.block_ref())
            .ok_or(ProviderError::Missing { what: "l2 block", key: DataKey::Number(number) })
    }

    fn system_config_by_number(&mut self, number: u64) -> Result<SystemConfig, ProviderError> {
        self.enter(HostCall::L2SystemConfig, "l2 system config", DataKey::Number(number))?;
        self.l2.system_config(number).ok_or(ProviderError::Missing {
            what: "l2 system config",
            key: DataKey::Number(number),
        })
    }

    /// The block's batch transactions (the test L2 has no deposits).
    fn transactions_by_number(&mut self, number: u64) -> Result<Vec<Bytes>, ProviderError> {
        self.enter(HostCall::L2Transactions, "l2 transactions", DataKey::Number(number))?;
        self.l2
            .block(number)
            .map(|b| b.transactions.clone())
            .ok_or(ProviderError::Missing { what: "l2 transactions", key: DataKey::Number(number) })
    }
}

impl L1Provider for InMemoryHost {
    fn block_ref_by_number(&mut self, number: u64) -> Result<Option<L1BlockRef>, ProviderError> {
        (&*self).block_ref_by_number(number)
    }

    fn header_by_hash(&mut self, hash: B256) -> Result<Header, ProviderError> {
        (&*self).header_by_hash(hash)
    }

    fn transactions_by_hash(&mut self, hash: B256) -> Result<Vec<TxEnvelope>, ProviderError> {
        (&*self).transactions_by_hash(hash)
    }

    fn receipts_by_hash(&mut self, hash: B256) -> Result<Vec<ReceiptEnvelope>, ProviderError> {
        (&*self).receipts_by_hash(hash)
    }
}

impl BlobProvider for InMemoryHost {
    fn blobs(
        &mut self,
        block: &L1BlockRef,
        hashes: &[IndexedBlobHash],
    ) -> Result<Vec<Box<Blob>>, ProviderError> {
        (&*self).blobs(block, hashes)
    }
}

impl L2Provider for InMemoryHost {
    fn l2_block_ref_by_number(&mut self, number: u64) -> Result<L2BlockRef, ProviderError> {
        (&*self).l2_block_ref_by_number(number)
    }

    fn system_config_by_number(&mut self, number: u64) -> Result<SystemConfig, ProviderError> {
        (&*self).system_config_by_number(number)
    }

    fn transactions_by_number(&mut self, number: u64) -> Result<Vec<Bytes>, ProviderError> {
        (&*self).transactions_by_number(number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{TestL1, test_rollup_config};

    fn host() -> InMemoryHost {
        let mut l1 = TestL1::default();
        let cfg = test_rollup_config(&l1);
        l1.new_block().batcher_blobs(&[b"a".as_slice(), b"b"]).build();
        InMemoryHost::new(l1, TestL2::new(&cfg))
    }

    #[test]
    fn head_cap_and_lookups() {
        let mut host = host();
        let head = host.l1.head();
        let mut h = &host;
        assert_eq!(h.block_ref_by_number(head.number).unwrap(), Some(head));
        assert_eq!(h.block_ref_by_number(head.number + 1).unwrap(), None);
        assert_eq!(h.header_by_hash(head.hash).unwrap().number, head.number);
        assert_eq!(h.transactions_by_hash(head.hash).unwrap().len(), 1);
        assert_eq!(h.receipts_by_hash(head.hash).unwrap().len(), 1);
        let unknown = B256::repeat_byte(7);
        assert_eq!(
            h.receipts_by_hash(unknown),
            Err(ProviderError::Missing { what: "receipts", key: DataKey::Hash(unknown) })
        );
        assert_eq!(h.l2_block_ref_by_number(0).unwrap().number, 0);
        assert!(h.l2_block_ref_by_number(1).is_err());
        assert!(h.transactions_by_number(0).unwrap().is_empty());
        host.set_head(Some(head.number - 1));
        assert_eq!((&host).block_ref_by_number(head.number).unwrap(), None);
        assert_eq!(host.calls(HostCall::L1BlockRef), 3);
    }

    #[test]
    fn blobs_by_index_and_hash() {
        let host = host();
        let head = host.l1.head();
        let tx = &host.l1.block(head.number).unwrap().transactions[0];
        let hashes = tx.blob_versioned_hashes().unwrap();
        let asked: Vec<_> = hashes
            .iter()
            .enumerate()
            .map(|(i, &hash)| IndexedBlobHash { index: i as u64, hash })
            .collect();
        let blobs = (&host).blobs(&head, &asked).unwrap();
        assert_eq!(blobs.len(), 2);
        assert_eq!(&*blobs[1], host.l1.blob(hashes[1]).unwrap());
        // A wrong index is the caller's bug, reported as invalid data.
        let wrong = [IndexedBlobHash { index: 1, hash: hashes[0] }];
        assert!(matches!((&host).blobs(&head, &wrong), Err(ProviderError::Invalid(_))));
    }

    #[test]
    fn injected_faults_fire_once_each_after_skips() {
        let host = host();
        let head = host.l1.head();
        host.fail_after(HostCall::L1Transactions, 1, FaultKind::Missing, 2);
        host.fail_next(HostCall::L1Receipts, FaultKind::Temporary, 1);
        let mut h = &host;
        assert!(h.transactions_by_hash(head.hash).is_ok());
        let missing =
            ProviderError::Missing { what: "l1 transactions", key: DataKey::Hash(head.hash) };
        assert_eq!(h.transactions_by_hash(head.hash), Err(missing.clone()));
        assert_eq!(h.transactions_by_hash(head.hash), Err(missing));
        assert!(h.transactions_by_hash(head.hash).is_ok());
        assert!(matches!(h.receipts_by_hash(head.hash), Err(ProviderError::Temporary(_))));
        assert!(h.receipts_by_hash(head.hash).is_ok());
        assert_eq!(host.calls(HostCall::L1Transactions), 4);
        host.fail_next(HostCall::Blobs, FaultKind::Missing, 5);
        host.clear_faults();
        assert!((&host).blobs(&head, &[]).is_ok());
    }
}
